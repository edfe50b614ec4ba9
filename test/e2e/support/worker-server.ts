import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './recording-server';

/**
 * The real collector under `wrangler dev` on 127.0.0.1, for e2e tests that must hit
 * the actual Worker (ingest, profile API, decisions). Runs in development mode
 * (`--var PORTRAIT_DEV:1`, the same flag `npm start` uses: demo tenant `wk_demo` /
 * `sk_demo`) with its local storage in a fresh temporary directory, so every start is
 * empty and nothing leaks into `.wrangler/state`.
 *
 * Stop it with `stop()` (kills the whole process group by PID; also removes the
 * storage directory).
 *
 * @example
 * const worker = await startWorker();          // beforeAll, ~2-5 s
 * const res = await fetch(`${worker.origin}/v1/profiles/anonymous_id:abc`, {
 *   headers: { Authorization: `Bearer ${worker.secretKey}` },
 * });
 * await worker.stop();                         // afterAll
 */

export interface WorkerServer {
  origin: string;
  port: number;
  pid: number;
  /** Public write key of the dev tenant. */
  writeKey: string;
  /** Secret (marketer) key of the dev tenant. */
  secretKey: string;
  /** Everything wrangler printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  /** Extra `--var NAME:VALUE` bindings. */
  vars?: Record<string, string>;
  /** How long to wait for `/health` (default 60 s: a cold wrangler start on a busy 2-core box). */
  timeoutMs?: number;
}

/** A port the OS says is free right now (wrangler needs a number, not 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (!child.pid) return;
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

/** Start `wrangler dev` on a free port and wait until `/health` answers. */
export async function startWorker(options: StartWorkerOptions = {}): Promise<WorkerServer> {
  const port = await freePort();
  const persistTo = await mkdtemp(join(tmpdir(), 'portrait-wrangler-'));
  const vars = { PORTRAIT_DEV: '1', ...options.vars };
  const args = [
    'dev', '--ip', '127.0.0.1', '--port', String(port),
    '--log-level', 'warn', '--show-interactive-dev-session=false',
    '--persist-to', persistTo,
    ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'wrangler'), args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stop() kills wrangler and workerd together
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => child.on('exit', (code) => { exited = code; resolve(); }));

  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === undefined) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    await rm(persistTo, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`wrangler dev exited (${exited}) before answering:\n${out.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${origin}/health`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer ${origin}/health in time:\n${out.slice(-4000)}`);
    }
    // Poll interval while a child process boots (there is no readiness event to wait on).
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    origin,
    port,
    pid: child.pid!,
    writeKey: 'wk_demo',
    secretKey: 'sk_demo',
    output: () => out,
    stop,
  };
}
