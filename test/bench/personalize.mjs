/**
 * Personalization figures: the size of personalize.js a site owner pays, and the seeded
 * bandit simulation of issue 6 (variants converting 2%, 4%, 6%, holdout 2%): share of
 * traffic the bandit sends to the best variant, the best variant's uplift over the
 * holdout with its 95% Newcombe interval, and how often that interval covers the true
 * uplift across seeds; and the latency of `POST /v1/decide` under `wrangler dev`
 * (p95, and its ratio to a no-op route measured in the same run).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { freePort } from './lib/wrangler-dev.mjs';

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

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};

/** Sequential latencies (ms) of `n` calls of `call(i)`. */
async function timed(n, call) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await call(i);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`bench request failed: ${res.status}`);
    out.push(performance.now() - t);
  }
  return out;
}

/** p95 of POST /v1/decide (portrait read + template + sticky arm) vs GET /health, same wrangler dev. */
async function decideLatency() {
  const port = await freePort();
  const persist = await mkdtemp(join(tmpdir(), 'portrait-bench-'));
  mkdirSync(join(root, 'worker/public'), { recursive: true });
  const child = spawn(join(root, 'node_modules/.bin/wrangler'), [
    'dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--show-interactive-dev-session=false',
    '--persist-to', persist, '--var', 'PORTRAIT_DEV:1',
  ], { cwd: root, stdio: 'ignore', detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } });
  const origin = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        if ((await fetch(`${origin}/health`)).ok) break;
      } catch { /* not up yet */ }
      if (Date.now() > deadline) throw new Error('wrangler dev did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const created = await fetch(`${origin}/v1/campaigns`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_demo', 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Bench', slot: 'hero', status: 'active', goal: { event: 'Order Completed' },
        variants: [{ id: 'a', content: { headline: 'Hi {{traits.firstName | default: "there"}}' } }, { id: 'b', content: { headline: 'Welcome {{traits.firstName | default: "back"}}' } }],
      }),
    });
    if (created.status !== 201) throw new Error(`campaign not created: ${created.status}`);
    const visitors = Array.from({ length: 50 }, (_, i) => `bench-visitor-${i}`);
    const batch = visitors.map((anonymousId, i) => ({ type: 'identify', messageId: `bench-${i}`, anonymousId, traits: { firstName: `V${i}` } }));
    const ingested = await fetch(`${origin}/v1/batch`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ writeKey: 'wk_demo', batch }) });
    if (!ingested.ok) throw new Error(`ingest failed: ${ingested.status}`);
    const decide = (i) => fetch(`${origin}/v1/decide`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ writeKey: 'wk_demo', anonymousId: visitors[i % visitors.length], slots: ['hero'], page: { url: `${origin}/`, path: '/', referrer: '' } }),
    });
    const health = () => fetch(`${origin}/health`);
    await timed(60, decide);
    await timed(30, health);
    const d = await timed(300, decide);
    const h = await timed(300, health);
    return { decideP95: percentile(d, 0.95), decideP50: percentile(d, 0.5), healthP95: percentile(h, 0.95) };
  } finally {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    await rm(persist, { recursive: true, force: true });
  }
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

  const lat = await decideLatency();
  rows.push({ name: 'POST /v1/decide p50 / p95 (wrangler dev, 300 sequential, portrait read)', value: `${lat.decideP50.toFixed(1)} / ${lat.decideP95.toFixed(1)}`, unit: 'ms', ok: true });
  rows.push({ name: 'GET /health p95 (same run)', value: lat.healthP95, unit: 'ms', ok: true });
  const ratio = lat.decideP95 / lat.healthP95;
  rows.push({ name: 'decide p95 / no-op p95', value: ratio, unit: 'x', budget: '<= 15', ok: ratio <= 15 });
  return rows;
}
