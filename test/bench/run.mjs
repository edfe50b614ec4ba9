#!/usr/bin/env node
/**
 * `npm run bench`: runs every benchmark module in this folder, prints one table of
 * figures measured in this run, and exits non-zero when any figure is past its budget.
 *
 * A module is `test/bench/<part>.mjs` exporting `async function run()` that returns
 * rows `{ name, value, unit, budget?, ok }`. Budgets are ratios or sizes measured in
 * the same run, never absolute timings (this machine has 2 noisy cores).
 *
 * `npm run bench -- sdk-size ingest` runs only the named modules.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .map((f) => basename(f, '.mjs'))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

if (modules.length === 0) {
  console.error(`bench: no benchmark modules matched ${only.join(', ') || '(none found)'}`);
  process.exit(2);
}

const format = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3)) : String(v));

let failed = 0;
const table = [];
for (const name of modules) {
  const started = Date.now();
  process.stderr.write(`bench: ${name}...\n`);
  try {
    const mod = await import(pathToFileURL(join(here, `${name}.mjs`)).href);
    const rows = await mod.run();
    for (const row of rows) {
      if (row.ok === false) failed++;
      table.push({
        module: name,
        figure: row.name,
        value: `${format(row.value)} ${row.unit ?? ''}`.trim(),
        budget: row.budget === undefined ? '' : String(row.budget),
        status: row.ok === false ? 'OVER BUDGET' : row.budget === undefined ? 'info' : 'ok',
      });
    }
  } catch (err) {
    failed++;
    table.push({ module: name, figure: '(failed to run)', value: String(err?.message ?? err).slice(0, 120), budget: '', status: 'ERROR' });
  }
  process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const cols = ['module', 'figure', 'value', 'budget', 'status'];
const widths = cols.map((c) => Math.max(c.length, ...table.map((r) => r[c].length)));
const line = (r) => cols.map((c, i) => r[c].padEnd(widths[i])).join('  ');
console.log(line(Object.fromEntries(cols.map((c) => [c, c.toUpperCase()]))));
for (const r of table) console.log(line(r));
console.log(failed ? `\nbench: ${failed} figure(s) over budget or failed` : '\nbench: all budgets hold');
process.exit(failed ? 1 : 0);
