#!/usr/bin/env node
/**
 * SDK size bench: gzip -9 bytes of what a site owner ships.
 * - dist/portrait.js: the script-tag build with capture plugins (budget 6,000);
 * - core only: the same script-tag entry without capture plugins (budget 4,000);
 * - npm minimal: `import { portrait } from '@portrait/sdk'; portrait.init(...); portrait.track('x')`
 *   bundled and minified like an app would (budget 4,000);
 * - dist/portrait-vitals.js and dist/portrait-debug.js when they exist (lazy chunks, no budget:
 *   web vitals with data-vitals; e-commerce shape warnings, fetched only with data-debug).
 * Run through `npm run bench` or standalone: `node test/bench/sdk-size.mjs` (builds first if dist is missing).
 */
import { existsSync, readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const sdkSrc = join(root, 'packages/sdk/src');
const dist = join(root, 'packages/sdk/dist');
const gz = (code) => gzipSync(code, { level: 9 }).length;

/** Bundles `code` (a virtual entry) for the browser with the build's own plugins and minifier. */
const bundle = async (code, format) => {
  const { browserPlugins } = await import(pathToFileURL(join(root, 'rollup.config.mjs')).href);
  const entry = '\0portrait-size-entry';
  const build = await rollup({
    input: entry,
    onwarn: () => {},
    plugins: [
      {
        name: 'size-entry',
        resolveId: (id) => (id === entry ? id : id === '@portrait/sdk' ? join(sdkSrc, 'index.ts') : null),
        load: (id) => (id === entry ? code : null),
      },
      ...browserPlugins(),
    ],
  });
  const { output } = await build.generate({ format, strict: false });
  await build.close();
  return output[0].code;
};

export async function run() {
  if (!existsSync(join(dist, 'portrait.js'))) execSync('npx rollup -c --silent', { cwd: root, stdio: 'inherit' });
  const row = (name, value, budget) => ({ name, value, unit: 'B gzip', budget, ok: budget === undefined || value <= budget });
  const rows = [
    row('dist/portrait.js (script tag, with capture)', gz(readFileSync(join(dist, 'portrait.js'))), 6000),
    row(
      'script tag, core only (no capture)',
      gz(await bundle(`import { startScriptTag } from ${JSON.stringify(join(sdkSrc, 'script-tag.ts'))}; startScriptTag();`, 'iife')),
      4000,
    ),
    row(
      'npm minimal (init + track)',
      gz(await bundle(`import { portrait } from '@portrait/sdk'; portrait.init({ writeKey: 'k' }); portrait.track('x');`, 'es')),
      4000,
    ),
  ];
  const vitals = join(dist, 'portrait-vitals.js');
  if (existsSync(vitals)) rows.push(row('dist/portrait-vitals.js (lazy chunk)', gz(readFileSync(vitals))));
  const debug = join(dist, 'portrait-debug.js');
  if (existsSync(debug)) rows.push(row('dist/portrait-debug.js (lazy, debug mode only)', gz(readFileSync(debug))));
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run();
  for (const r of rows)
    console.log(`${r.name.padEnd(46)} ${String(r.value).padStart(6)} ${r.unit}  ${r.budget === undefined ? '' : `budget ${r.budget}`}  ${r.ok ? 'ok' : 'OVER BUDGET'}`);
  process.exit(rows.every((r) => r.ok) ? 0 : 1);
}
