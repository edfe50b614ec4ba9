/**
 * Marketer profile API latency with 10,000 profiles (`npm run bench`).
 *
 * Starts `wrangler dev --log-level warn` on 127.0.0.1 with fresh local storage and two
 * tenants: the demo one, seeded with 10,000 profiles, and one made through the admin API,
 * seeded with 1,000. Profiles go through the real ingest API (batches of 500 events: an
 * identify with name, email and country plus an Order Completed per customer); the bench
 * waits until the profile objects' alarms have written all of them to the D1 index
 * (counted through the streamed export), then measures bounded numbers of sequential
 * requests, alternating between the two tenants (one to the small, one to the large), so
 * that both sizes meet the same machine noise:
 * - profile lookup: GET /v1/profiles/user_id:<id> (one Durable Object read) and email:<address> (index + object);
 * - list: GET /v1/profiles sorted by last_seen / revenue / orders, filtered by country / min_revenue, and page 2 by cursor;
 * - export: the whole index as NDJSON.
 * Keyset pages on indexed columns must not get slower with the number of profiles.
 * Budget: list p95 at 10,000 <= 2 x list p95 at 1,000 (a ratio within one run, measured
 * side by side; absolute times on this 2-core machine are noise).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { freePort } from './lib/wrangler-dev.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOTAL = Number(process.env.BENCH_PROFILES || 10_000);
const FIRST = Math.min(1_000, TOTAL);
const LOOKUPS = 200;
const LISTS = 200;
const BATCH_PROFILES = 250; // 2 events each: 500 events per request
const CONCURRENCY = 3;
const LIST_BUDGET = 2;
const ADMIN_TOKEN = 'bench-admin-token';
/** The demo tenant's keys; the small tenant's come from the admin API. */
const DEMO = { write: 'wk_demo', secret: 'sk_demo' };
const writeAuth = (t) => `Basic ${Buffer.from(`${t.write}:`).toString('base64')}`;
const secretAuth = (t) => `Bearer ${t.secret}`;

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same customers. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['GB', 'DE', 'FR', 'NL', 'ES', 'US'];
const customer = (i) => `cust-${String(i).padStart(6, '0')}`;

function eventsFor(i, rand) {
  const userId = customer(i);
  const day = Date.UTC(2026, 0, 1) + Math.floor(rand() * 300) * 86_400_000;
  const revenue = Math.round(rand() * 50_000) / 100;
  return [
    {
      type: 'identify', userId, messageId: `bench-id-${i}`, timestamp: new Date(day).toISOString(),
      traits: { name: `Customer ${i}`, email: `${userId}@shop.example`, address: { country: COUNTRIES[i % COUNTRIES.length] } },
    },
    {
      type: 'track', userId, event: 'Order Completed', messageId: `bench-order-${i}`, timestamp: new Date(day + 3_600_000).toISOString(),
      properties: { order_id: `o-${i}`, revenue, currency: 'USD', products: [{ product_id: `sku-${i % 97}`, category: 'Shoes', price: revenue, quantity: 1 }] },
    },
  ];
}

async function seed(origin, tenant, from, to, rand) {
  const batches = [];
  for (let start = from; start < to; start += BATCH_PROFILES) {
    const batch = [];
    for (let i = start; i < Math.min(to, start + BATCH_PROFILES); i++) batch.push(...eventsFor(i, rand));
    batches.push(batch);
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      // Retries are safe (fixed messageIds dedupe); a request can be lost when wrangler
      // reloads the worker because a source file changed.
      for (let attempt = 0; ; attempt++) {
        let status = 0;
        let detail = '';
        try {
          const res = await fetch(`${origin}/v1/batch`, {
            method: 'POST', headers: { authorization: writeAuth(tenant), 'content-type': 'application/json' }, body: JSON.stringify({ batch }), signal: AbortSignal.timeout(120_000),
          });
          const text = await res.text();
          const body = (() => { try { return JSON.parse(text); } catch { return { unreadable: text.slice(0, 200) }; } })();
          status = res.status;
          if (res.ok && body.accepted + body.duplicates === batch.length) break;
          detail = JSON.stringify(body).slice(0, 300);
        } catch (err) {
          detail = String(err?.message ?? err);
        }
        // A reload under load can take a while: keep retrying for about a minute.
        if (attempt >= 20) throw new Error(`seeding failed: ${status} ${detail}`);
        await new Promise((r) => setTimeout(r, 3_000));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Profiles in the index, counted through the streamed NDJSON export; also its duration. */
async function exportCount(origin, tenant) {
  const started = performance.now();
  const res = await fetch(`${origin}/v1/profiles/export?format=ndjson`, { headers: { authorization: secretAuth(tenant) }, signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new Error(`export answered ${res.status}`);
  const text = await res.text();
  return { count: text === '' ? 0 : text.trimEnd().split('\n').length, ms: performance.now() - started };
}

async function waitForIndex(origin, tenant, expected) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const { count, ms } = await exportCount(origin, tenant).catch(() => ({ count: -1, ms: 0 }));
    if (count >= expected) return ms;
    if (Date.now() > deadline) throw new Error(`index reached only ${count} of ${expected} profiles`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

async function waitHealthy(origin) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${origin}/health`, { signal: AbortSignal.timeout(5_000) })).ok) return;
    } catch { /* reloading */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the worker stopped answering /health');
}

/** A tenant of its own, with write and secret keys, through the admin API. */
async function newTenant(origin, name) {
  const res = await fetch(`${origin}/v1/admin/tenants`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }),
  });
  if (!res.ok) throw new Error(`creating a tenant answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const t = await res.json();
  return { write: t.writeKey.key, secret: t.secretKey.key };
}

/**
 * Times each request ([tenant, path] pairs, in order). wrangler reloads the worker whenever
 * a source file changes (other work goes on in this tree): a sample that fails or hangs for
 * that reason is taken again once the worker answers, and not counted.
 */
async function timed(origin, requests) {
  const times = [];
  for (const [tenant, path] of requests) {
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        const res = await fetch(`${origin}${path}`, { headers: { authorization: secretAuth(tenant) }, signal: AbortSignal.timeout(15_000) });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        times.push(performance.now() - started);
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await waitHealthy(origin);
      }
    }
  }
  return times;
}

const quantiles = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: q(0.5), p95: q(0.95) };
};

/** The requests of each kind for one tenant of `profiles` profiles. */
async function requestsFor(origin, tenant, profiles, rand) {
  const lookups = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const c = customer(Math.floor(rand() * profiles));
    lookups.push(i % 2 ? `/v1/profiles/user_id:${c}?limit=20` : `/v1/profiles/email:${c}%40shop.example?limit=20`);
  }
  const page1 = await (await fetch(`${origin}/v1/profiles?sort=revenue&limit=50`, { headers: { authorization: secretAuth(tenant) } })).json();
  const variants = [
    '/v1/profiles?sort=last_seen&limit=50',
    '/v1/profiles?sort=revenue&order=desc&limit=50',
    '/v1/profiles?sort=orders&order=asc&limit=50',
    '/v1/profiles?sort=revenue&limit=50&country=DE',
    '/v1/profiles?sort=last_seen&limit=50&min_revenue=100',
    `/v1/profiles?sort=revenue&limit=50&cursor=${encodeURIComponent(page1.nextCursor)}`,
  ];
  const lists = Array.from({ length: LISTS }, (_, i) => variants[i % variants.length]);
  const search = Array.from({ length: 40 }, (_, i) => `/v1/profiles?q=customer%20${(i * 37) % profiles}&limit=20`);
  return { lookup: lookups, list: lists, search, warm: [...lookups.slice(0, 10), ...variants] };
}

/** Times both tenants' requests of each kind, alternating one to each (after a warm-up). */
async function measure(origin, small, big) {
  const out = { small: {}, big: {} };
  await timed(origin, [...small.requests.warm.map((p) => [small.tenant, p]), ...big.requests.warm.map((p) => [big.tenant, p])]);
  for (const kind of ['lookup', 'list', 'search']) {
    const pairs = small.requests[kind].flatMap((p, i) => [[small.tenant, p], [big.tenant, big.requests[kind][i]]]);
    const times = await timed(origin, pairs);
    out.small[kind] = quantiles(times.filter((_, i) => i % 2 === 0));
    out.big[kind] = quantiles(times.filter((_, i) => i % 2 === 1));
  }
  return out;
}

export async function run() {
  mkdirSync(join(root, 'worker', 'public'), { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'portrait-bench-profiles-api-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const vars = { PORTRAIT_DEV: '1', ADMIN_TOKEN, RATE_KEY_EVENTS_PER_MIN: '0', RATE_IP_EVENTS_PER_MIN: '0', RATE_IP_NEW_IDS_PER_MIN: '0', RATE_MARKETER_PER_MIN: '0', INDEX_DELAY_MS: '500' };
  const child = spawn(
    join(root, 'node_modules', '.bin', 'wrangler'),
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--show-interactive-dev-session=false',
      '--persist-to', join(work, 'state'), ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } },
  );
  let log = '';
  child.stdout.on('data', (d) => { log = (log + d).slice(-20_000); });
  child.stderr.on('data', (d) => { log = (log + d).slice(-20_000); });
  let exited = false;
  child.on('exit', () => { exited = true; });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`wrangler dev exited:\n${log.slice(-2000)}`);
      try {
        if ((await fetch(`${origin}/health`)).ok) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const rand = prng(42);
    const smallTenant = await newTenant(origin, 'bench-small');
    await seed(origin, smallTenant, 0, FIRST, rand);
    await waitForIndex(origin, smallTenant, FIRST);
    const started = performance.now();
    await seed(origin, DEMO, 0, TOTAL, rand);
    const seedSeconds = (performance.now() - started) / 1000;
    await waitForIndex(origin, DEMO, TOTAL);
    const indexedSeconds = (performance.now() - started) / 1000;
    const { small, big } = await measure(
      origin,
      { tenant: smallTenant, requests: await requestsFor(origin, smallTenant, FIRST, rand) },
      { tenant: DEMO, requests: await requestsFor(origin, DEMO, TOTAL, rand) },
    );
    const exportMs = (await exportCount(origin, DEMO)).ms;
    const ratio = big.list.p95 / small.list.p95;
    const ms = (x) => Number(x.toFixed(1));
    return [
      { name: `seed ${TOTAL.toLocaleString('en-US')} profiles through /v1/batch (2 events each)`, value: Number(seedSeconds.toFixed(1)), unit: `s, all indexed after ${indexedSeconds.toFixed(1)} s`, ok: true },
      { name: `profile lookup p95 at ${TOTAL.toLocaleString('en-US')} profiles (user_id: and email:)`, value: ms(big.lookup.p95), unit: `ms (p50 ${ms(big.lookup.p50)}; at ${FIRST}: p95 ${ms(small.lookup.p95)})`, ok: true },
      { name: `list p95 at ${TOTAL.toLocaleString('en-US')} profiles (sorts, filters, cursor)`, value: ms(big.list.p95), unit: `ms (p50 ${ms(big.list.p50)}; at ${FIRST}: p95 ${ms(small.list.p95)})`, ok: true },
      { name: `list p95 ${TOTAL.toLocaleString('en-US')} / ${FIRST.toLocaleString('en-US')} profiles`, value: Number(ratio.toFixed(3)), unit: 'x', budget: `<= ${LIST_BUDGET}`, ok: ratio <= LIST_BUDGET },
      { name: `text search p95 at ${TOTAL.toLocaleString('en-US')} profiles (q=, scans the tenant)`, value: ms(big.search.p95), unit: `ms (at ${FIRST}: ${ms(small.search.p95)})`, ok: true },
      { name: `export ${TOTAL.toLocaleString('en-US')} profiles as NDJSON (streamed)`, value: ms(exportMs), unit: 'ms', ok: true },
    ];
  } finally {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((r) => (exited ? r() : child.once('exit', r)));
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
