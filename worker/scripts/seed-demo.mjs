#!/usr/bin/env node
/**
 * Seeds the demo tenant by replaying the UCI Online Retail data set through the
 * collector's ingest API (POST {host}/v1/batch, write key wk_demo): one identify per
 * customer with traits.address.country, one `Order Completed` per invoice and
 * `Order Cancelled` per cancellation (see worker/src/profiles/retail-events.mjs).
 * Lines without a customer are skipped. messageIds derive from invoice numbers, so a
 * re-run stores nothing twice.
 *
 * Seeds once: a marker in .wrangler/state/ (next to the local storage it describes)
 * makes later runs return at once, after checking through the profile API that the
 * data is still there. Plain node, no dependencies.
 *
 *   node worker/scripts/seed-demo.mjs [--host http://127.0.0.1:8787] [--limit N]
 *                                     [--file path/to/online-retail.csv.gz] [--force]
 *
 * --limit N   only the first N customers (by customer id)
 * --force     send again even if the marker says the data is there
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupInvoices, identifyEvents, invoiceEvent, readRetailRows } from '../src/profiles/retail-events.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_EVENTS = 500;
const MAX_BYTES = 450 * 1024; // the collector takes 500 KB; keep a margin for the envelope
const MAX_ATTEMPTS = 10;

function parseArgs(argv) {
  const args = { host: 'http://127.0.0.1:8787', limit: Infinity, file: join(root, '..', 'shared', 'data', 'online-retail.csv.gz'), force: false, writeKey: 'wk_demo', secretKey: 'sk_demo' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--host') args.host = value().replace(/\/+$/, '');
    else if (a === '--limit') {
      args.limit = Number(value());
      if (!Number.isInteger(args.limit) || args.limit < 1) fail('--limit needs a whole number of customers >= 1');
    } else if (a === '--file') args.file = value();
    else if (a === '--force') args.force = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node worker/scripts/seed-demo.mjs [--host URL] [--limit N] [--file CSV.GZ] [--force]');
      process.exit(0);
    } else fail(`unknown option ${a} (try --help)`);
  }
  return args;
}

function fail(message) {
  console.error(`seed-demo: ${message}`);
  process.exit(1);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Retry-After in seconds or as an HTTP date; null when absent. */
function retryAfterMs(res) {
  const h = res.headers.get('retry-after');
  if (!h) return null;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : null;
}

async function postBatch(host, writeKey, batch) {
  const body = JSON.stringify({ batch });
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      // No user agent: this is a server-side import, not a browser, and node's default
      // "node" user agent is what the collector's bot filter (isbot) discards.
      res = await fetch(`${host}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth, 'user-agent': '' }, body });
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`cannot reach ${host}: ${err.cause?.code ?? err.message}`);
      await sleep(Math.min(30_000, 500 * 2 ** attempt));
      continue;
    }
    if (res.ok) return res.json().catch(() => ({}));
    const text = await res.text().catch(() => '');
    const retryable = res.status === 429 || res.status === 503 || res.status === 408 || res.status >= 500;
    if (!retryable || attempt >= MAX_ATTEMPTS) throw new Error(`${host}/v1/batch answered ${res.status}: ${text.slice(0, 300)}`);
    await sleep(Math.min(120_000, retryAfterMs(res) ?? 500 * 2 ** attempt));
  }
}

/** Splits events into batches of at most 500 events and 450 KB. */
export function toBatches(events) {
  const batches = [];
  let current = [];
  let bytes = 0;
  for (const e of events) {
    const size = Buffer.byteLength(JSON.stringify(e)) + 1;
    if (current.length && (current.length >= MAX_EVENTS || bytes + size > MAX_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** True when the profile API still knows the customer (the local state was not wiped). */
async function stillSeeded(host, secretKey, userId) {
  try {
    const res = await fetch(`${host}/v1/profiles/${encodeURIComponent(`user_id:${userId}`)}`, { headers: { authorization: `Bearer ${secretKey}` } });
    if (res.status === 404) return false;
    return true; // 200, or an API that cannot tell: trust the marker
  } catch {
    return true;
  }
}

function progress(done, total, started, final = false) {
  const pct = total ? Math.floor((done / total) * 100) : 100;
  const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
  const line = `seed-demo: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events (${pct}%), ${rate.toLocaleString('en-US')} events/s`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}${final ? '\n' : ''}`);
  else if (final || pct % 10 === 0) console.log(line);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(args.file)) fail(`the retail data set is missing: ${args.file}`);
  const marker = join(root, '.wrangler', 'state', 'portrait-demo-seed.json');
  if (!args.force && existsSync(marker)) {
    try {
      const m = JSON.parse(readFileSync(marker, 'utf8'));
      if (m.host === args.host && (m.limit ?? Infinity) >= args.limit && (await stillSeeded(args.host, args.secretKey, m.firstCustomer))) {
        console.log(`seed-demo: demo data already seeded (${m.customers.toLocaleString('en-US')} customers, ${m.events.toLocaleString('en-US')} events on ${m.at}); --force sends it again`);
        return;
      }
    } catch { /* unreadable marker: seed again, it is idempotent */ }
  }

  const rows = await readRetailRows(args.file);
  const customers = [...new Set(rows.map((r) => r.customerId))].sort().slice(0, args.limit);
  const keep = new Set(customers);
  const invoices = groupInvoices(rows.filter((r) => keep.has(r.customerId)));
  // One customer's events travel together: a batch then touches ~80 profiles, each once
  // with all its events, instead of 500 profiles for one event each (far fewer Durable
  // Object calls, and fewer objects held open at a time by the local runtime).
  const events = [...identifyEvents(invoices), ...invoices.map(invoiceEvent)]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.userId < b.e.userId ? -1 : a.e.userId > b.e.userId ? 1 : a.i - b.i))
    .map(({ e }) => e);
  const batches = toBatches(events);
  console.log(`seed-demo: replaying ${customers.length.toLocaleString('en-US')} customers, ${invoices.length.toLocaleString('en-US')} invoices into ${args.host} in ${batches.length} batches`);

  const started = Date.now();
  let done = 0;
  let lastPct = -1;
  const totals = { accepted: 0, duplicates: 0, discarded: 0, rejected: 0 };
  const reasons = new Map();
  const queue = [...batches];
  // Two requests in flight: enough to keep the collector busy on a 2-core machine.
  const worker = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      const r = await postBatch(args.host, args.writeKey, batch);
      totals.accepted += r.accepted ?? 0;
      totals.duplicates += r.duplicates ?? 0;
      totals.discarded += r.discarded ?? 0;
      for (const x of r.rejected ?? []) {
        totals.rejected++;
        reasons.set(x.reason, (reasons.get(x.reason) ?? 0) + 1);
      }
      done += batch.length;
      const pct = Math.floor((done / events.length) * 100);
      if (pct !== lastPct && done < events.length) {
        lastPct = pct;
        progress(done, events.length, started);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  progress(done, events.length, started, true);
  console.log(`seed-demo: ${totals.accepted.toLocaleString('en-US')} stored, ${totals.duplicates.toLocaleString('en-US')} already there, ${totals.discarded} discarded, ${totals.rejected} rejected${reasons.size ? ` (${[...reasons].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
  if (totals.rejected > 0 || totals.discarded > 0) {
    // Nothing to mark as seeded: a re-run (after fixing the cause) sends only what is missing.
    process.exitCode = 1;
    return;
  }

  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, JSON.stringify({ host: args.host, limit: Number.isFinite(args.limit) ? args.limit : null, customers: customers.length, events: events.length, firstCustomer: customers[0], at: new Date().toISOString() }, null, 2));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    if (process.stdout.isTTY) process.stdout.write('\n');
    fail(err.message);
  });
}
