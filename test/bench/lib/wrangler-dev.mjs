/**
 * `wrangler dev` for benchmarks that need a real collector: a free port on 127.0.0.1,
 * fresh local storage in a temp folder, the given `--var`s; stopped by process group.
 * (test/bench/run.mjs runs only the .mjs files directly in test/bench, not this folder.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `wrangler dev` on a free port with fresh storage; retries when another process takes the port first. */
export async function startWorker(vars) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const state = mkdtempSync(join(tmpdir(), 'portrait-bench-'));
    const child = spawn(
      join(root, 'node_modules', '.bin', 'wrangler'),
      ['dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--show-interactive-dev-session=false',
        '--persist-to', join(state, 'state'), ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } },
    );
    const worker = { origin, child, state, log: '', exited: false };
    child.stdout.on('data', (d) => { worker.log += d; });
    child.stderr.on('data', (d) => { worker.log += d; });
    child.on('exit', () => { worker.exited = true; });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (worker.exited) break;
      try {
        if ((await fetch(`${origin}/health`)).ok) return worker;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await stopWorker(worker);
    if (attempt >= 3 || !/Address already in use/.test(worker.log)) throw new Error(`wrangler dev did not start:\n${worker.log.slice(-2000)}`);
  }
}

export async function stopWorker(worker) {
  try { process.kill(-worker.child.pid, 'SIGTERM'); } catch { /* gone */ }
  await new Promise((r) => (worker.exited ? r() : worker.child.once('exit', r)));
  rmSync(worker.state, { recursive: true, force: true });
}
