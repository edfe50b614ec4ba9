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

/** Increments one counter (413s, 429s: requests refused before their events were read). */
export function countRequest(db: D1Database, tenantId: string, counter: string, at = Date.now()): Promise<void> {
  return recordIngestOutcome(db, tenantId, { rejected: [], counters: { [counter]: 1 } }, at);
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
  const since = new Date(now - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const { results } = await db
    .prepare('SELECT day, counter, value FROM ingest_counters WHERE tenant_id = ? AND day >= ? ORDER BY day, counter')
    .bind(tenantId, since)
    .all<{ day: string; counter: string; value: number }>();
  const out: Record<string, Record<string, number>> = {};
  for (const r of results) (out[r.day] ??= {})[r.counter] = r.value;
  return out;
}
