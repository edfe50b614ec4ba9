#!/usr/bin/env node
/**
 * `npm start`: runs the collector locally under `wrangler dev` on its embedded storage
 * (local SQLite Durable Objects and D1, no Cloudflare account), with the demo tenant and
 * the demo shop, seeds the demo data once, and prints the URLs and keys.
 *
 * PORT (default 8787) picks the port; SEED=0 skips seeding.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const port = Number(process.env.PORT || 8787);
const host = `http://127.0.0.1:${port}`;

// The demo shop is served from the worker's static assets in development only.
const shopOut = join(root, 'worker', 'public', 'shop');
rmSync(shopOut, { recursive: true, force: true });
mkdirSync(dirname(shopOut), { recursive: true });
cpSync(join(root, 'examples', 'shop'), shopOut, {
  recursive: true,
  filter: (src) => !src.endsWith('package.json'),
});

const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
const child = spawn(
  wrangler,
  ['dev', '--ip', '127.0.0.1', '--port', String(port), '--var', 'PORTRAIT_DEV:1', '--log-level', 'warn', '--show-interactive-dev-session=false'],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], detached: true },
);

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
child.on('exit', (code) => {
  if (!stopping) {
    console.error(`portrait: wrangler dev exited (${code}); see the messages above.`);
    process.exit(code || 1);
  }
});

async function waitForCollector(timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${host}/health`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the collector did not answer on ${host}/health within ${timeoutMs / 1000} s`);
}

try {
  await waitForCollector();
} catch (err) {
  console.error(`portrait: ${err.message}`);
  stop(1);
}

console.log(`portrait: collector up at ${host}; seeding demo data (runs once; the shop works meanwhile)...`);

const seedScript = join(root, 'worker', 'scripts', 'seed-demo.mjs');
const csv = join(root, '..', 'shared', 'data', 'online-retail.csv.gz');
if (process.env.SEED !== '0' && existsSync(seedScript) && existsSync(csv)) {
  await new Promise((resolve) => {
    const seed = spawn(process.execPath, [seedScript, '--host', host], { cwd: root, stdio: 'inherit' });
    seed.on('exit', (code) => {
      if (code) console.error(`portrait: demo seeding stopped (exit ${code}); the collector keeps running.`);
      resolve();
    });
  });
}

// RFM scores against the demo workspace's own quintiles now, not at the next cron run. Each
// profile reaches the index a few seconds after its last event (the profile object's index
// alarm), so the refresh is repeated until the number of buyers it sees stops growing.
try {
  let last = -1;
  for (let round = 0; round < 20; round++) {
    const res = await fetch(`${host}/v1/insights/rfm/refresh`, { method: 'POST', headers: { authorization: 'Bearer sk_demo' } });
    const body = await res.json();
    if (!res.ok) {
      console.error(`portrait: RFM cut points not refreshed: ${body.error?.message ?? res.status}`);
      break;
    }
    const buyers = body.customers ?? body.buyers;
    if (buyers === last || round === 19) {
      console.log(`portrait: RFM cut points from ${buyers} buyers (${body.source})`);
      break;
    }
    last = buyers;
    await new Promise((r) => setTimeout(r, 3_000));
  }
} catch (err) {
  console.error(`portrait: RFM cut points not refreshed: ${err.message}`);
}

// Demo campaigns for the shop's hero slot (idempotent: existing ones are kept).
await new Promise((resolve) => {
  const seed = spawn(process.execPath, [join(root, 'worker', 'scripts', 'seed-campaigns.mjs'), '--host', host], { cwd: root, stdio: 'inherit' });
  seed.on('exit', (code) => {
    if (code) console.error(`portrait: demo campaigns were not created (exit ${code}); the collector keeps running.`);
    resolve();
  });
});

console.log(`
Portrait is running (local storage in .wrangler/state; Ctrl-C stops it)

  Demo shop       ${host}/shop/
  Dashboard       ${host}/dashboard/
  Collector       ${host}/v1/batch   (Segment HTTP Tracking API)
  Profile API     ${host}/v1/profiles   (Authorization: Bearer sk_demo)
  Script tag      ${host}/portrait.js

  Write key (public, for the SDK)    wk_demo
  Secret key (marketer API)          sk_demo
`);
