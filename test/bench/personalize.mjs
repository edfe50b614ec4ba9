/**
 * Personalization figures: the size of personalize.js a site owner pays, and the seeded
 * bandit simulation of issue 6 (variants converting 2%, 4%, 6%, holdout 2%): share of
 * traffic the bandit sends to the best variant, the best variant's uplift over the
 * holdout with its 95% Newcombe interval, and how often that interval covers the true
 * uplift across seeds.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SIZE_BUDGET = 3000;
const TRUE_UPLIFT = 0.04;

async function scriptSize() {
  const { default: configs } = await import(pathToFileURL(join(root, 'packages/personalize/rollup.config.mjs')).href);
  const iife = configs.find((c) => [c.output].flat()[0].format === 'iife');
  const bundle = await rollup({ input: iife.input, plugins: iife.plugins, onwarn: () => {} });
  for (const out of [iife.output].flat()) await bundle.write(out);
  await bundle.close();
  const code = await readFile([iife.output].flat()[0].file);
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/** The TypeScript domain, bundled in memory (Node 20 cannot import .ts). */
async function loadSimulation() {
  const out = await build({
    entryPoints: [join(root, 'worker/src/personalization/simulate-bandit.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

export async function run() {
  const rows = [];
  const size = await scriptSize();
  rows.push({ name: 'personalize.js gzip -9', value: size.gzip, unit: 'B', budget: `<= ${SIZE_BUDGET}`, ok: size.gzip <= SIZE_BUDGET });
  rows.push({ name: 'personalize.js minified', value: size.raw, unit: 'B', ok: true });

  const { simulateBandit } = await loadSimulation();
  const rates = { low: 0.02, mid: 0.04, best: 0.06 };
  const sim = simulateBandit({ seed: 20261129, visitors: 40000, rates, holdoutRate: 0.02 });
  const best = sim.report.arms.find((a) => a.arm === 'best');
  const hold = sim.report.arms.find((a) => a.arm === 'holdout');
  const covered = best.uplift.low < TRUE_UPLIFT && TRUE_UPLIFT < best.uplift.high;
  rows.push({ name: 'bandit share to best (6%) variant, 40k visitors, seed 20261129', value: sim.share.best, unit: '', budget: '>= 0.7', ok: sim.share.best >= 0.7 });
  rows.push({ name: 'share to 4% / 2% variants', value: `${sim.share.mid.toFixed(3)} / ${sim.share.low.toFixed(3)}`, unit: '', ok: true });
  rows.push({ name: 'holdout visitors (10% share)', value: hold.impressions, unit: 'visitors', ok: true });
  rows.push({
    name: 'best uplift vs holdout [95% Newcombe]',
    value: `${best.uplift.estimate.toFixed(4)} [${best.uplift.low.toFixed(4)}, ${best.uplift.high.toFixed(4)}]`,
    unit: '',
    budget: `covers ${TRUE_UPLIFT}`,
    ok: covered,
  });

  let hits = 0;
  let bestShare = 0;
  const seeds = 20;
  for (let s = 1; s <= seeds; s++) {
    const r = simulateBandit({ seed: s, visitors: 40000, rates, holdoutRate: 0.02 });
    const u = r.report.arms.find((a) => a.arm === 'best').uplift;
    if (u && u.low < TRUE_UPLIFT && TRUE_UPLIFT < u.high) hits++;
    bestShare += r.share.best / seeds;
  }
  rows.push({ name: `uplift interval coverage over ${seeds} seeds`, value: hits / seeds, unit: '', budget: '>= 0.8', ok: hits / seeds >= 0.8 });
  rows.push({ name: `mean share to best over ${seeds} seeds`, value: bestShare, unit: '', budget: '>= 0.7', ok: bestShare >= 0.7 });
  return rows;
}
