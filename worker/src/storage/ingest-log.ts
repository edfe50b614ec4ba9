import type { RejectedDetail } from '../ingest/ingest-types';

/**
 * Writes what an ingest request refused, discarded or changed: one dead-letter row per
 * rejected event (payload truncated) and per-day counters by reason, in one D1 batch.
 * Only requests with something to report pay for this write; the happy path never does.
 */
export async function recordIngestOutcome(
  db: D1Database,
  tenantId: string,
  outcome: { rejected: RejectedDetail[]; counters: Record<string, number> },
  receivedAt: number,
): Promise<void> {
  const day = new Date(receivedAt).toISOString().slice(0, 10);
  const statements: D1PreparedStatement[] = [];
  for (const r of outcome.rejected) {
    statements.push(
      db
        .prepare('INSERT INTO dead_letters (tenant_id, received_at, reason, message, event_index, message_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .bind(tenantId, receivedAt, r.reason, r.message, r.index, r.messageId ?? null, r.payload),
    );
  }
  for (const [counter, value] of Object.entries(outcome.counters)) {
    if (value <= 0) continue;
    statements.push(
      db
        .prepare(
          'INSERT INTO ingest_counters (tenant_id, day, counter, value) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, day, counter) DO UPDATE SET value = value + excluded.value',
        )
        .bind(tenantId, day, counter, value),
    );
  }
  // D1 batches are bounded; a 2,500-event batch of rejects is written in slices.
  for (let i = 0; i < statements.length; i += 100) await db.batch(statements.slice(i, i + 100));
}

/** Counters waiting to be written, per tenant and day, so floods (bots, 429s) cost no D1 write per request. */
const pending = new Map<string, Record<string, number>>();
let lastFlush = 0;
const FLUSH_EVERY_MS = 5_000;

/**
 * Adds counters to this isolate's buffer. They reach D1 at most `FLUSH_EVERY_MS` later
 * (the returned promise, when not null, is that write: hand it to `waitUntil`), or when
 * the stats are read.
 */
export function bufferCounters(db: D1Database, tenantId: string, counters: Record<string, number>, at = Date.now()): Promise<void> | null {
  const key = `${tenantId}|${new Date(at).toISOString().slice(0, 10)}`;
  const bucket = pending.get(key) ?? {};
  for (const [name, n] of Object.entries(counters)) bucket[name] = (bucket[name] ?? 0) + n;
  pending.set(key, bucket);
  if (at - lastFlush < FLUSH_EVERY_MS) return null;
  return flushCounters(db, at);
}

/** Writes every buffered counter now. */
export async function flushCounters(db: D1Database, at = Date.now()): Promise<void> {
  lastFlush = at;
  const entries = [...pending];
  pending.clear();
  for (const [key, counters] of entries) {
    const [tenantId, day] = key.split('|');
    try {
      await recordIngestOutcome(db, tenantId, { rejected: [], counters }, Date.parse(`${day}T12:00:00Z`));
    } catch (err) {
      // Put them back; the next flush tries again.
      const bucket = pending.get(key) ?? {};
      for (const [name, n] of Object.entries(counters)) bucket[name] = (bucket[name] ?? 0) + n;
      pending.set(key, bucket);
      throw err;
    }
  }
}

/** Increments one counter (413s, 429s: requests refused before their events were read). */
export function countRequest(db: D1Database, tenantId: string, counter: string, at = Date.now()): Promise<void> | null {
  return bufferCounters(db, tenantId, { [counter]: 1 }, at);
}

export interface DeadLetter {
  id: number;
  receivedAt: string;
  reason: string;
  message: string;
  index: number | null;
  messageId: string | null;
  payload: string | null;
}

/** Newest first; `before` is the cursor (an id from the previous page). */
export async function listDeadLetters(db: D1Database, tenantId: string, opts: { limit: number; before?: number; reason?: string }) {
  const where = ['tenant_id = ?'];
  const args: unknown[] = [tenantId];
  if (opts.before !== undefined) {
    where.push('id < ?');
    args.push(opts.before);
  }
  if (opts.reason) {
    where.push('reason = ?');
    args.push(opts.reason);
  }
  const { results } = await db
    .prepare(`SELECT id, received_at, reason, message, event_index, message_id, payload FROM dead_letters WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`)
    .bind(...args, opts.limit)
    .all<{ id: number; received_at: number; reason: string; message: string; event_index: number | null; message_id: string | null; payload: string | null }>();
  const items: DeadLetter[] = results.map((r) => ({
    id: r.id,
    receivedAt: new Date(r.received_at).toISOString(),
    reason: r.reason,
    message: r.message,
    index: r.event_index,
    messageId: r.message_id,
    payload: r.payload,
  }));
  return { items, nextCursor: items.length === opts.limit ? String(items[items.length - 1].id) : null };
}

/** Counters per day for the last `days` days, e.g. `{ '2026-11-29': { 'rejected:event_too_large': 1 } }`. */
export async function readCounters(db: D1Database, tenantId: string, days: number, now = Date.now()) {
  await flushCounters(db, now);
  const since = new Date(now - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const { results } = await db
    .prepare('SELECT day, counter, value FROM ingest_counters WHERE tenant_id = ? AND day >= ? ORDER BY day, counter')
    .bind(tenantId, since)
    .all<{ day: string; counter: string; value: number }>();
  const out: Record<string, Record<string, number>> = {};
  for (const r of results) (out[r.day] ??= {})[r.counter] = r.value;
  return out;
}
