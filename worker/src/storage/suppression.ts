import type { PreparedBatch } from '../ingest/ingest-types';
import { sha256Hex } from './key-store';

/**
 * How long an isolate trusts its copy of a tenant's suppressed ids. An erasure made in
 * this isolate takes effect at once; other isolates see it within this time.
 */
export const SUPPRESSION_TTL_MS = 30_000;

const cache = new Map<string, { hashes: Set<string>; expires: number }>();

/** The stored form of a suppressed profile key (`user:<id>` / `anon:<id>`): a hash, never the id. */
export function suppressionHash(tenantId: string, profileKey: string): Promise<string> {
  return sha256Hex(`${tenantId}\n${profileKey}`);
}

/** The tenant's suppressed id hashes, loaded once per isolate per TTL (one small D1 read). */
export async function suppressedHashes(db: D1Database, tenantId: string, now = Date.now()): Promise<Set<string>> {
  const hit = cache.get(tenantId);
  if (hit && hit.expires > now) return hit.hashes;
  const { results } = await db.prepare('SELECT id_hash FROM suppressed_ids WHERE tenant_id = ?').bind(tenantId).all<{ id_hash: string }>();
  const hashes = new Set(results.map((r) => r.id_hash));
  if (cache.size > 1_000) cache.clear();
  cache.set(tenantId, { hashes, expires: now + SUPPRESSION_TTL_MS });
  return hashes;
}

/** Suppresses profile keys (idempotent) and makes this isolate drop their events at once. */
export async function suppressKeys(db: D1Database, tenantId: string, keys: Iterable<string>, jobId: string): Promise<number> {
  const hashes = await Promise.all([...new Set(keys)].map((k) => suppressionHash(tenantId, k)));
  const now = Date.now();
  for (let i = 0; i < hashes.length; i += 50) {
    await db.batch(
      hashes
        .slice(i, i + 50)
        .map((h) => db.prepare('INSERT OR IGNORE INTO suppressed_ids (tenant_id, id_hash, job_id, created_at) VALUES (?, ?, ?, ?)').bind(tenantId, h, jobId, now)),
    );
  }
  const cached = cache.get(tenantId);
  if (cached) for (const h of hashes) cached.hashes.add(h);
  return hashes.length;
}

/** Whether a profile key belongs to an erased person. */
export async function isSuppressed(db: D1Database, tenantId: string, profileKey: string): Promise<boolean> {
  const hashes = await suppressedHashes(db, tenantId);
  return hashes.size > 0 && hashes.has(await suppressionHash(tenantId, profileKey));
}

/**
 * Moves every event that carries a suppressed id (its profile, its anonymousId, an alias's
 * previousId) from `events` to `rejected` with reason `suppressed`. The payload is not
 * kept in the dead-letter table: it belongs to a person who asked to be erased. Costs
 * nothing per event while the tenant has no suppressed ids. Returns how many it dropped.
 */
export async function rejectSuppressed(db: D1Database, tenantId: string, batch: PreparedBatch): Promise<number> {
  if (batch.events.length === 0) return 0;
  const hashes = await suppressedHashes(db, tenantId);
  if (hashes.size === 0) return 0;
  const keep: PreparedBatch['events'] = [];
  let dropped = 0;
  for (const e of batch.events) {
    const keys = new Set([e.profileKey, ...e.links]);
    let hit = false;
    for (const k of keys) if (hashes.has(await suppressionHash(tenantId, k))) hit = true;
    if (!hit) {
      keep.push(e);
      continue;
    }
    dropped++;
    batch.rejected.push({
      index: e.index,
      messageId: e.event.messageId,
      reason: 'suppressed',
      message: 'This person was erased at their request; events with their ids are not stored.',
      payload: '(not kept: the person was erased)',
    });
  }
  batch.events = keep;
  if (dropped) batch.counters['rejected:suppressed'] = (batch.counters['rejected:suppressed'] ?? 0) + dropped;
  return dropped;
}
