/**
 * Portrait domain benchmark (issue 5): the pure `applyEvent` cost per event with 1,000
 * vs 10,000 live profiles (the ratio must stay under 1.25: updating one portrait must not
 * cost more when there are more profiles), and `renderPortrait` p95.
 *
 * The TypeScript domain code is bundled in memory with esbuild (it comes with wrangler).
 * Figures are medians of alternating rounds, measured in this run on this machine.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function loadDomain() {
  const out = await build({
    stdin: {
      contents: `
        export { createProfileState } from './worker/src/profiles/profile-state';
        export { applyEvent } from './worker/src/profiles/apply-event';
        export { renderPortrait } from './worker/src/profiles/render-portrait';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'portrait-bench-'));
  const file = join(dir, 'domain.mjs');
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.parse('2026-10-01T00:00:00Z');
const CATEGORIES = ['Tea', 'Mugs', 'Kitchen', 'Garden', 'Toys', 'Books', 'Lights', 'Bags'];
const PATHS = ['/', '/tea', '/mugs', '/sale', '/cart', '/checkout', '/about', '/blog/a', '/blog/b'];

/** A realistic mix: page views, engagement, product views, cart adds, orders, identifies. */
function makeEvent(random, profile, i) {
  const ts = new Date(START + Math.floor(random() * 60 * 86_400_000)).toISOString();
  const context = {
    session: { id: `s${profile}-${Math.floor(random() * 8)}`, count: 1 },
    page: { path: PATHS[Math.floor(random() * PATHS.length)], url: 'https://shop.example/', referrer: random() < 0.2 ? 'https://www.google.com/' : '' },
    browser: { name: random() < 0.5 ? 'Chrome' : 'Firefox' }, os: { name: 'Linux' }, device: { type: random() < 0.3 ? 'mobile' : 'desktop' },
    location: { country: 'GB', city: 'London', timezone: 'Europe/London' },
  };
  const base = { messageId: `m${profile}-${i}`, userId: `u${profile}`, timestamp: ts, context };
  const r = random();
  const product = () => ({ product_id: `p${Math.floor(random() * 500)}`, category: CATEGORIES[Math.floor(random() * CATEGORIES.length)], brand: `b${Math.floor(random() * 20)}`, price: 5 + Math.floor(random() * 50), quantity: 1 });
  if (r < 0.45) return { ...base, type: 'page', properties: {} };
  if (r < 0.6) return { ...base, type: 'track', event: 'Page Engaged', properties: { engaged_ms: Math.floor(random() * 60_000) } };
  if (r < 0.8) return { ...base, type: 'track', event: 'Product Viewed', properties: product() };
  if (r < 0.9) return { ...base, type: 'track', event: 'Product Added', properties: product() };
  if (r < 0.97) return { ...base, type: 'track', event: 'Order Completed', properties: { order_id: `o${profile}-${i}`, products: [product(), product()], currency: 'GBP' } };
  return { ...base, type: 'identify', traits: { email: `u${profile}@example.com`, plan: random() < 0.5 ? 'pro' : 'free' } };
}

const CONFIG = { currency: 'GBP' };

/** Profiles with some history, then the cost of applying `events` more, spread over all of them. */
function setup(domain, profiles, historyPerProfile, seed) {
  const random = prng(seed);
  const states = [];
  for (let p = 0; p < profiles; p++) {
    const s = domain.createProfileState(`user_id:u${p}`);
    for (let i = 0; i < historyPerProfile; i++) domain.applyEvent(s, makeEvent(random, p, i), CONFIG);
    states.push(s);
  }
  return { states, random };
}

function measureApply(domain, world, events) {
  const { states, random } = world;
  const batch = [];
  for (let i = 0; i < events; i++) {
    const p = Math.floor(random() * states.length);
    batch.push([p, makeEvent(random, p, 1_000_000 + i)]);
  }
  const t0 = performance.now();
  for (const [p, e] of batch) domain.applyEvent(states[p], e, CONFIG);
  return ((performance.now() - t0) * 1000) / events; // microseconds per event
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

export async function run() {
  const domain = await loadDomain();
  const small = setup(domain, 1_000, 20, 1);
  const large = setup(domain, 10_000, 20, 2);
  // Warm up both, then alternate rounds so drift on the machine hits both sides alike.
  measureApply(domain, small, 20_000);
  measureApply(domain, large, 20_000);
  const a = [];
  const b = [];
  // Short alternating rounds: load from other processes on this 2-core machine hits both sides alike.
  for (let round = 0; round < 25; round++) {
    a.push(measureApply(domain, small, 5_000));
    b.push(measureApply(domain, large, 5_000));
  }
  const perEventSmall = median(a);
  const perEventLarge = median(b);
  const ratio = perEventLarge / perEventSmall;

  // renderPortrait over profiles with ~60 events of history each.
  const times = [];
  for (let i = 0; i < 3_000; i++) {
    const s = large.states[i % large.states.length];
    const t0 = performance.now();
    domain.renderPortrait(s, { now: '2026-12-01T00:00:00Z', config: CONFIG });
    times.push(performance.now() - t0);
  }
  const bytes = JSON.stringify(domain.renderPortrait(large.states[0], { now: '2026-12-01T00:00:00Z', config: CONFIG })).length;
  const stateBytes = JSON.stringify(large.states[0]).length;

  return [
    { name: 'applyEvent per event, 1,000 profiles', value: perEventSmall, unit: 'µs', ok: true },
    { name: 'applyEvent per event, 10,000 profiles', value: perEventLarge, unit: 'µs', ok: true },
    { name: 'applyEvent cost ratio 10,000 / 1,000 profiles', value: ratio, unit: 'x', budget: '< 1.25', ok: ratio < 1.25 },
    { name: 'renderPortrait p95', value: percentile(times, 0.95), unit: 'ms', ok: true },
    { name: 'renderPortrait p50', value: percentile(times, 0.5), unit: 'ms', ok: true },
    { name: 'portrait JSON size (one profile, ~60 events)', value: bytes, unit: 'bytes', ok: true },
    { name: 'portrait state JSON size (same profile)', value: stateBytes, unit: 'bytes', ok: true },
  ];
}
