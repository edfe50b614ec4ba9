import { applyD1Migrations } from './apply-d1-migrations';
import { loadDefinitions, type TenantDefinitions } from './definition-store';
import { refreshRfmIfDue } from './rfm-insights';

/**
 * How long an isolate trusts its copy of a tenant's definitions before re-reading them
 * (in the background: the stale copy keeps serving meanwhile). Saves made in this isolate
 * update the copy at once; profile objects also receive every new version from the
 * backfill and ask for a fresh read whenever they have seen a newer version than the copy.
 */
export const DEFINITIONS_TTL_MS = 10_000;

const cache = new Map<string, { defs: TenantDefinitions; fetchedAt: number }>();
const inflight = new Map<string, Promise<TenantDefinitions>>();

function refresh(db: D1Database, tenantId: string): Promise<TenantDefinitions> {
  let p = inflight.get(tenantId);
  if (!p) {
    p = applyD1Migrations(db)
      .then(() => loadDefinitions(db, tenantId))
      .then((defs) => {
        rememberDefinitions(tenantId, defs);
        watchRfm(db, tenantId, defs);
        return cache.get(tenantId)!.defs;
      })
      .finally(() => inflight.delete(tenantId));
    inflight.set(tenantId, p);
  }
  return p;
}

/**
 * Recomputes the tenant's RFM cut points in the background when they are missing or stale
 * (rfm-insights.ts checks at most once a minute); the copy gets them with its next read.
 */
function watchRfm(db: D1Database, tenantId: string, defs: TenantDefinitions): void {
  refreshRfmIfDue(db, tenantId, defs.rfm ?? null)
    .then((rfm) => {
      if (rfm && cache.get(tenantId)?.defs.version === defs.version) rememberRfm(tenantId, rfm);
    })
    .catch((err) => console.warn('portrait: RFM cut points refresh failed', err));
}

/**
 * The tenant's segments and computed traits, from this isolate's copy when it is at least
 * `minVersion`: ingest reads no D1 per event, only one small batch per tenant per isolate
 * every DEFINITIONS_TTL_MS. A copy older than `minVersion` is re-read before answering.
 */
export async function tenantDefinitions(db: D1Database, tenantId: string, minVersion = 0, now = Date.now()): Promise<TenantDefinitions | null> {
  const hit = cache.get(tenantId);
  if (hit && hit.defs.version >= minVersion) {
    if (now - hit.fetchedAt > DEFINITIONS_TTL_MS) {
      refresh(db, tenantId).catch((err) => console.warn('portrait: definitions refresh failed; using the cached copy', err));
    }
    return hit.defs;
  }
  try {
    return await refresh(db, tenantId);
  } catch (err) {
    // D1 being down must not stop ingest: the caller evaluates later (its index alarm
    // retries), with the stale copy meanwhile when there is one.
    console.warn('portrait: definitions refresh failed', err);
    return hit?.defs ?? null;
  }
}

/** Keeps a copy this isolate just read or wrote (never replaces a newer version with an older one). */
export function rememberDefinitions(tenantId: string, defs: TenantDefinitions, now = Date.now()): void {
  const hit = cache.get(tenantId);
  if (hit && hit.defs.version > defs.version) {
    hit.fetchedAt = now;
    return;
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(tenantId, { defs, fetchedAt: now });
}

/** Puts cut points this isolate just computed into its copy of the tenant's definitions (no-op without a copy). */
export function rememberRfm(tenantId: string, rfm: TenantDefinitions['rfm']): void {
  const hit = cache.get(tenantId);
  if (hit) hit.defs = { ...hit.defs, rfm: rfm ?? null };
}
