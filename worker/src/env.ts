import type { BackfillObject } from './storage/backfill-object';
import type { ProfileObject } from './storage/profile-object';

/** The collector's bindings (wrangler.toml) and variables. */
export interface Env {
  /** One SQLite Durable Object per customer profile. */
  PROFILES: DurableObjectNamespace<ProfileObject>;
  /** One per tenant: backfills segments and computed traits over existing profiles. */
  BACKFILL: DurableObjectNamespace<BackfillObject>;
  /** Tenants, keys, dead letters, ingest counters and the profile index. */
  DB: D1Database;
  /** Built browser scripts (portrait.js, personalize.js) and, in development, the demo shop. */
  ASSETS?: Fetcher;
  /** "1" in development (`npm start`, tests): creates the demo tenant (wk_demo / sk_demo). */
  PORTRAIT_DEV?: string;
  /** Secret guarding the admin API (`wrangler secret put ADMIN_TOKEN`). Unset => admin API off. */
  ADMIN_TOKEN?: string;
  /** Rate limits per minute (see ingest/rate-limiter.ts); "0" turns one off. */
  RATE_KEY_EVENTS_PER_MIN?: string;
  RATE_IP_EVENTS_PER_MIN?: string;
  RATE_IP_NEW_IDS_PER_MIN?: string;
  /** Delay (ms) before a profile object writes its summary to the D1 index (default 5000). */
  INDEX_DELAY_MS?: string;
}
