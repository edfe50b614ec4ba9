import type { Env as WorkerEnv } from '../src/env';

// `env` from cloudflare:test / cloudflare:workers has the collector's bindings.
declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
  }
}

export {};
