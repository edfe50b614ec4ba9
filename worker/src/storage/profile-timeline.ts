import type { StoredEvent } from '../ingest/ingest-types';

/** A filtered, keyset-paginated read of one profile's timeline. */
export interface TimelineQuery {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Event types (track, page, identify, ...). */
  types?: string[];
  /** Track event names or page/screen names. */
  names?: string[];
  limit: number;
  order: 'asc' | 'desc';
  /** Position after the last event of the previous page. */
  after?: { orderAt: number; seq: number };
}

export interface TimelinePage {
  events: StoredEvent[];
  next: { orderAt: number; seq: number } | null;
}

/**
 * Reads events of one profile object's `events` table in event-time order, newest first
 * by default. Pages are keyed on `(order_at, seq)`, so events arriving between pages
 * never repeat or push a row off a page.
 */
export function queryTimeline(sql: SqlStorage, q: TimelineQuery): TimelinePage {
  const clauses: string[] = [];
  const args: SqlStorageValue[] = [];
  if (q.from !== undefined) {
    clauses.push('order_at >= ?');
    args.push(q.from);
  }
  if (q.to !== undefined) {
    clauses.push('order_at < ?');
    args.push(q.to);
  }
  if (q.types?.length) {
    clauses.push(`type IN (${q.types.map(() => '?').join(', ')})`);
    args.push(...q.types);
  }
  if (q.names?.length) {
    clauses.push(`name IN (${q.names.map(() => '?').join(', ')})`);
    args.push(...q.names);
  }
  const desc = q.order === 'desc';
  if (q.after) {
    clauses.push(`(order_at, seq) ${desc ? '<' : '>'} (?, ?)`);
    args.push(q.after.orderAt, q.after.seq);
  }
  const dir = desc ? 'DESC' : 'ASC';
  const rows = sql
    .exec<{ seq: number; order_at: number; body: string }>(
      `SELECT seq, order_at, body FROM events ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY order_at ${dir}, seq ${dir} LIMIT ?`,
      ...args, q.limit + 1,
    )
    .toArray();
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page[page.length - 1];
  return {
    events: page.map((r) => JSON.parse(r.body) as StoredEvent),
    next: more && last ? { orderAt: last.order_at, seq: last.seq } : null,
  };
}

/** Copies that reused a stored messageId with another payload (kept apart, still the person's data). */
export function readConflicts(sql: SqlStorage): Array<{ messageId: string; receivedAt: string; event: unknown }> {
  return sql
    .exec<{ message_id: string; received_at: number; body: string }>('SELECT message_id, received_at, body FROM conflicts ORDER BY id')
    .toArray()
    .map((r) => ({ messageId: r.message_id, receivedAt: new Date(r.received_at).toISOString(), event: JSON.parse(r.body) as unknown }));
}

/**
 * Every profile key this object's data names: its own, linked identities (not refused
 * ones: those belong to someone else), and the user/anonymous ids and alias previousIds
 * on its events and conflicts. Erasure suppresses all of them.
 */
export function collectProfileKeys(sql: SqlStorage, ownKey: string | undefined): { linked: string[]; all: string[] } {
  const all = new Set<string>();
  if (ownKey) all.add(ownKey);
  const linked = sql
    .exec<{ profile_key: string }>("SELECT profile_key FROM identities WHERE status = 'linked'")
    .toArray()
    .map((r) => r.profile_key);
  for (const k of linked) all.add(k);
  for (const table of ['events', 'conflicts']) {
    const rows = sql.exec<{ u: string | null; a: string | null; p: string | null; t: string | null }>(
      `SELECT DISTINCT json_extract(body, '$.userId') AS u, json_extract(body, '$.anonymousId') AS a,
         json_extract(body, '$.previousId') AS p, json_extract(body, '$.type') AS t FROM ${table}`,
    );
    for (const r of rows) {
      if (typeof r.u === 'string' && r.u) all.add(`user:${r.u}`);
      if (typeof r.a === 'string' && r.a) all.add(`anon:${r.a}`);
      // An alias's previousId may have been either kind of id.
      if (typeof r.p === 'string' && r.p) {
        all.add(`user:${r.p}`);
        all.add(`anon:${r.p}`);
      }
    }
  }
  return { linked, all: [...all] };
}
