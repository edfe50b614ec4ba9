/**
 * Ingest throughput against a no-op route of the same worker, same run (`npm run bench`).
 *
 * Builds the worker once (`wrangler deploy --dry-run`), serves that bundle with
 * `wrangler dev --no-bundle --log-level warn` on 127.0.0.1 (fresh local storage, on tmpfs when
 * the machine has /dev/shm), then drives
 * with wrk (32 connections): POST /health with the same body (no-op) and POST /v1/batch
 * with 20-event batches of ~1 KB events, fresh messageIds on every request, from returning
 * visitors (a pool of BENCH_VISITORS=50 anonymous ids, each a warm profile Durable Object),
 * in alternating 2 s rounds (BENCH_SECONDS=16 per route: 8 rounds of each).
 * Also reported, without a budget: the CPU time per request of the worker's busiest thread
 * (Linux /proc) on each route, which says what the ratio is made of, and batches that each
 * create a new profile object (a new SQLite database locally). Rate limits are off (one IP,
 * one key).
 * Budget: ingest req/s >= 0.5 x no-op req/s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { busiestThread, threadCpu } from './lib/thread-cpu.mjs';
import { freePort } from './lib/wrangler-dev.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Seconds of each route in total, split into alternating 2 s rounds (noise on a shared 2-core machine averages out over more rounds). */
const DURATION = Number(process.env.BENCH_SECONDS || 16);
const EVENTS_PER_BATCH = 20;
const BUDGET = 0.5;
/** Returning visitors the batches are spread over (their profile objects are warm). */
const VISITORS = Number(process.env.BENCH_VISITORS || 50);

const LUA = `
local counter = 0
local pad = string.rep("x", 640)
local path = os.getenv("BENCH_PATH") or "/v1/batch"
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["Authorization"] = "Basic d2tfZGVtbzo="
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
function setup(thread)
  thread:set("seed", math.random(1, 1000000000))
end
local shown = 0
function response(status, headers, body)
  -- Say why a request failed (a few per thread), so a non-2xx count is explainable.
  if status ~= 200 and shown < 3 then
    shown = shown + 1
    io.write("STATUS ", status, " ", string.match(body or "", '"code":"([%w_]+)"') or (string.gsub(string.sub(body or "", 1, 60), "%s", "_")), "\\n")
    io.flush()
  end
end
function init(args)
  math.randomseed(seed + os.time())
end
request = function()
  counter = counter + 1
  local prefix = math.random(1, 1000000000) .. "-" .. counter
  local visitors = tonumber(os.getenv("BENCH_VISITORS") or "50")
  local anon = visitors > 0 and ("bench-" .. math.random(1, visitors)) or ("new-" .. prefix)
  local parts = {}
  for i = 1, ${EVENTS_PER_BATCH} do
    parts[i] = '{"type":"track","event":"Product Viewed","anonymousId":"' .. anon .. '","messageId":"' .. prefix .. '-' .. i ..
      '","properties":{"product_id":"sku-' .. i .. '","price":19.99,"category":"Shoes","brand":"Acme","pad":"' .. pad ..
      '"},"context":{"page":{"path":"/p/' .. i .. '","url":"https://shop.example/p/' .. i .. '","referrer":"https://www.google.com/"},"locale":"en-GB"}}'
  end
  return wrk.format(nil, path, nil, '{"batch":[' .. table.concat(parts, ",") .. '],"sentAt":"' .. os.date("!%Y-%m-%dT%H:%M:%S.000Z") .. '"}')
end
`;

function wrk(origin, path, seconds, script, visitors = VISITORS) {
  const r = spawnSync('wrk', ['-t', '2', '-c', '32', '-d', `${Math.max(1, Math.round(seconds))}s`, '--latency', '-s', script, origin], {
    env: { ...process.env, BENCH_PATH: path, BENCH_VISITORS: String(visitors) },
    encoding: 'utf8',
    timeout: (seconds + 30) * 1000,
  });
  if (r.error) throw new Error(`wrk failed to run: ${r.error.message} (is the Debian wrk package installed?)`);
  const out = r.stdout + r.stderr;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const statuses = [...new Set([...out.matchAll(/^STATUS (\d+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`))];
  const errors = [/Socket errors:.*/.exec(out)?.[0], ...statuses].filter(Boolean).join('; ');
  // wrk prints latencies as 850.00us, 12.34ms or 1.20s: kept in ms.
  const latency = /99%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  const p99 = latency ? Number(latency[1]) * { us: 0.001, ms: 1, s: 1000 }[latency[2]] : NaN;
  if (process.env.BENCH_DEBUG) process.stderr.write(`--- wrk ${path}\n${out}\n`);
  // A Lua error makes wrk fall back to plain GET / silently: refuse to report that.
  if (/\.lua:\d+:|PANIC|script error/i.test(out)) throw new Error(`wrk could not run the Lua script:\n${out.slice(0, 1000)}`);
  if (!Number.isFinite(rps)) throw new Error(`could not read wrk output:\n${out}`);
  return { rps, requests, non2xx, errors, p99 };
}

export async function run() {
  mkdirSync(join(root, 'worker', 'public'), { recursive: true });
  // Local storage in memory (tmpfs) where the machine has one: workerd's local SQLite fsyncs
  // every commit on its single thread, so a slow virtual disk (this VM's: p99 330 ms against
  // 90 ms, and about a quarter of the throughput) would be measured instead of the ingest
  // code. Production Durable Objects do not block the isolate on a local fsync.
  const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'portrait-bench-ingest-'));
  const script = join(work, 'batch.lua');
  writeFileSync(script, LUA);
  // Bench one fixed build: other people editing worker/ must not reload it mid-run.
  const build = join(work, 'build');
  const built = spawnSync(join(root, 'node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', build], {
    cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, timeout: 120_000,
  });
  if (built.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${(built.stdout + built.stderr).slice(-2000)}`);
  const config = readFileSync(join(root, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = ${JSON.stringify(join(build, 'index.js'))}`)
    // A private copy of the assets: builds writing worker/public must not reload the worker.
    .replace(/^directory = "(.*)"$/m, (_, d) => {
      cpSync(join(root, d), join(work, 'public'), { recursive: true });
      return `directory = ${JSON.stringify(join(work, 'public'))}`;
    })
    .replace(/^migrations_dir = "(.*)"$/m, (_, d) => `migrations_dir = ${JSON.stringify(join(root, d))}`);
  writeFileSync(join(work, 'wrangler.toml'), config);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const vars = { PORTRAIT_DEV: '1', RATE_KEY_EVENTS_PER_MIN: '0', RATE_IP_EVENTS_PER_MIN: '0', RATE_IP_NEW_IDS_PER_MIN: '0', ...(process.env.BENCH_INDEX_DELAY_MS ? { INDEX_DELAY_MS: process.env.BENCH_INDEX_DELAY_MS } : {}) };
  // wrangler writes to a file, not a pipe: wrk runs synchronously below, and a pipe nobody
  // reads would fill up and stall the worker mid-run.
  const logFile = join(work, 'wrangler.log');
  const logFd = openSync(logFile, 'w');
  const log = () => readFileSync(logFile, 'utf8').slice(-2000);
  const child = spawn(
    join(root, 'node_modules', '.bin', 'wrangler'),
    ['dev', '-c', join(work, 'wrangler.toml'), '--no-bundle', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--show-interactive-dev-session=false',
      '--persist-to', join(work, 'state'), ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
    { cwd: root, stdio: ['ignore', logFd, logFd], detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } },
  );
  let exited = false;
  child.on('exit', () => { exited = true; });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`wrangler dev exited:\n${log()}`);
      try {
        if ((await fetch(`${origin}/health`)).ok) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    if (process.env.BENCH_DEBUG) {
      const probe = await fetch(`${origin}/health`, { method: 'POST', headers: { authorization: 'Basic d2tfZGVtbzo=', 'content-type': 'text/plain' }, body: '{"batch":[]}' });
      process.stderr.write(`probe POST /health: ${probe.status} ${await probe.text()}\n`);
    }
    // Warm-up: compile paths, create the visitors' profile objects, run the D1 migrations.
    // The thread busiest meanwhile runs the worker's JavaScript (and its Durable Objects):
    // its CPU per request on each route is reported beside the req/s.
    const warmStart = threadCpu(child.pid);
    wrk(origin, '/v1/batch', 4, script);
    const workerThread = busiestThread(warmStart, threadCpu(child.pid));
    const rounds = Math.max(1, Math.round(DURATION / 2));
    /** One wrk round, with the worker thread's CPU ms per request answered in it (NaN when unmeasurable). */
    const round = (path) => {
      const before = workerThread ? threadCpu(child.pid) : null;
      const x = wrk(origin, path, DURATION / rounds, script);
      const after = before ? threadCpu(child.pid) : null;
      const ms = after && after[workerThread] !== undefined ? after[workerThread] - before[workerThread] : NaN;
      return { ...x, cpuMs: ms / x.requests };
    };
    // Alternate short runs so both routes see the same (noisy, shared) machine.
    const noops = [];
    const ingests = [];
    for (let r = 0; r < rounds; r++) {
      noops.push(round('/health'));
      ingests.push(round('/v1/batch'));
    }
    const sum = (runs) => ({
      rps: runs.reduce((a, x) => a + x.rps, 0) / runs.length,
      non2xx: runs.reduce((a, x) => a + x.non2xx, 0),
      errors: runs.map((x) => x.errors).filter(Boolean).join('; '),
      // The median round's p99 (one round's stall says little on a shared machine).
      p99: runs.map((x) => x.p99).sort((a, b) => a - b)[Math.floor(runs.length / 2)],
      cpuMs: runs.reduce((a, x) => a + x.cpuMs * x.requests, 0) / runs.reduce((a, x) => a + x.requests, 0),
    });
    const noop = sum(noops);
    const ingest = sum(ingests);
    // Info: every batch from a visitor never seen before (a new profile object each time).
    const fresh = wrk(origin, '/v1/batch', Math.max(2, DURATION / 2), script, 0);
    const ratio = ingest.rps / noop.rps;
    // Shown beside the ratio: how far single rounds strayed (the budget is on the ratio of the means).
    const roundRatios = ingests.map((x, i) => x.rps / noops[i].rps).sort((a, b) => a - b);
    const clean = ingest.non2xx === 0 && noop.non2xx === 0;
    return [
      { name: 'no-op route (POST /health, same body)', value: Math.round(noop.rps), unit: 'req/s', ok: true },
      { name: `ingest /v1/batch (${EVENTS_PER_BATCH} x ~1 KB events)`, value: Math.round(ingest.rps), unit: `req/s, p99 ${Math.round(ingest.p99)} ms (median round)`, ok: true },
      {
        name: 'ingest / no-op ratio',
        value: Number(ratio.toFixed(3)),
        unit: `x (${rounds} rounds: ${roundRatios[0].toFixed(2)}-${roundRatios[roundRatios.length - 1].toFixed(2)})`,
        budget: `>= ${BUDGET}`,
        ok: ratio >= BUDGET,
      },
      ...(Number.isFinite(ingest.cpuMs) && Number.isFinite(noop.cpuMs)
        ? [{
          name: 'worker thread CPU per request (ingest, no-op)',
          value: ingest.cpuMs.toFixed(2),
          unit: `ms and ${noop.cpuMs.toFixed(2)} ms (ratio ${(noop.cpuMs / ingest.cpuMs).toFixed(3)}; ingest costs ${(ingest.cpuMs - noop.cpuMs).toFixed(2)} ms more, ${((ingest.cpuMs - noop.cpuMs) * 1000 / EVENTS_PER_BATCH).toFixed(0)} us per event)`,
          ok: true,
        }]
        : []),
      { name: 'events stored per second', value: Math.round(ingest.rps * EVENTS_PER_BATCH), unit: 'events/s', ok: true },
      {
        name: 'ingest, a new visitor (new profile) per batch',
        value: Math.round(fresh.rps),
        unit: `req/s (${(fresh.rps / noop.rps).toFixed(2)} x no-op${fresh.non2xx ? `; ${fresh.non2xx} answered 503, retryable: ${fresh.errors}` : ''})`,
        ok: true,
      },
      { name: 'non-2xx answers during the runs', value: ingest.non2xx + noop.non2xx, unit: ingest.errors || 'responses', budget: '0', ok: clean },
    ];
  } finally {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((r) => (exited ? r() : child.once('exit', r)));
    closeSync(logFd);
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
