import type { Env } from './env';

/** Hono typing for the collector app: bindings and per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Tenant of the authenticated key. */
    tenantId: string;
    /** Set when the request's Origin is not allowed for its write key (no CORS headers then). */
    corsDenied: boolean;
  };
}
