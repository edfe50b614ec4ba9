import { rfmCutPoints, type RfmCutPoints, type RfmRow } from '../insights/rfm-cut-points';
import { DAY_MS } from '../profiles/event-time';
import { DEFAULT_RFM_CUT_POINTS, rfmSegment } from '../profiles/rfm';

/**
 * The tenant's RFM quintile cut points, computed from the D1 profile index (orders,
 * revenue and last order of every buyer) and kept in `tenant_insights` (kind 'rfm').
 * Recomputed by the cron trigger for every tenant, on `POST /v1/insights/rfm/refresh`,
 * and lazily (refreshRfmIfDue) when a tenant has none yet or they are old and many new
 * buyers arrived since. Profile objects read them with the tenant's definitions
 * (definition-store.ts) and score every portrait's r/f/m against them.
 */

/** Fewer buyers than this: quintiles mean nothing, portraits keep the built-in cut points. */
export const MIN_RFM_BUYERS = 10;
/** Cut points older than this are recomputed lazily once enough new buyers arrived. */
export const RFM_STALE_MS = 6 * 3_600_000;
/** Index rows read per D1 query while computing. */
const PAGE = 5_000;
const KIND = 'rfm';

export interface RfmInsight {
  cutPoints: RfmCutPoints;
  computedAt: number;
}

/** The stored cut points, or null before the first computation. */
export async function readTenantRfm(db: D1Database, tenantId: string): Promise<RfmInsight | null> {
  return parseRfmInsight(await rfmInsightStatement(db, tenantId).first<{ value: string; computed_at: number }>());
}

/** A `tenant_insights` row as cut points (null for a row that does not parse). */
export function parseRfmInsight(row: { value: string; computed_at: number } | undefined | null): RfmInsight | null {
  if (!row) return null;
  try {
    const cutPoints = JSON.parse(row.value) as RfmCutPoints;
    if (!Array.isArray(cutPoints.recency) || !Array.isArray(cutPoints.frequency) || !Array.isArray(cutPoints.monetary)) return null;
    return { cutPoints, computedAt: row.computed_at };
  } catch {
    return null;
  }
}

/** The statement that reads the stored cut points (loadDefinitions batches it with the definitions). */
export function rfmInsightStatement(db: D1Database, tenantId: string): D1PreparedStatement {
  return db.prepare('SELECT value, computed_at FROM tenant_insights WHERE tenant_id = ? AND kind = ?').bind(tenantId, KIND);
}

/** Buyers in the tenant's index (profiles with at least one order). */
export async function countBuyers(db: D1Database, tenantId: string): Promise<number> {
  const row = await db.prepare('SELECT count(*) AS n FROM profiles WHERE tenant_id = ? AND orders > 0 AND merged_into IS NULL').bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Every buyer's (recency, frequency, monetary) from the index, read in keyset pages on (orders, profile_id). */
export async function readRfmRows(db: D1Database, tenantId: string, now: number): Promise<RfmRow[]> {
  const rows: RfmRow[] = [];
  let after: { orders: number; id: string } = { orders: 0, id: '' };
  for (;;) {
    const { results } = await db
      .prepare(
        `SELECT profile_id, orders, revenue, COALESCE(last_order_at, last_seen) AS last_order FROM profiles
         WHERE tenant_id = ? AND orders > 0 AND merged_into IS NULL AND (orders > ? OR (orders = ? AND profile_id > ?))
         ORDER BY orders, profile_id LIMIT ${PAGE}`,
      )
      .bind(tenantId, after.orders, after.orders, after.id)
      .all<{ profile_id: string; orders: number; revenue: number; last_order: number | null }>();
    for (const r of results) {
      rows.push({
        frequency: r.orders,
        monetary: r.revenue,
        recencyDays: r.last_order === null ? null : Math.max(0, Math.floor((now - r.last_order) / DAY_MS)),
      });
    }
    if (results.length < PAGE) return rows;
    const last = results[results.length - 1];
    after = { orders: last.orders, id: last.profile_id };
  }
}

/**
 * Recomputes and stores the tenant's cut points. Returns them, or null (and stores
 * nothing, removing older ones) when the tenant has fewer than MIN_RFM_BUYERS buyers.
 */
export async function refreshTenantRfm(db: D1Database, tenantId: string, now = Date.now()): Promise<RfmInsight | null> {
  const rows = await readRfmRows(db, tenantId, now);
  const cuts = rows.length >= MIN_RFM_BUYERS ? rfmCutPoints(rows, new Date(now).toISOString()) : null;
  if (!cuts || cuts.customers < MIN_RFM_BUYERS) {
    const removed = await db.prepare('DELETE FROM tenant_insights WHERE tenant_id = ? AND kind = ?').bind(tenantId, KIND).run();
    // Back to the built-in cut points (buyers erased): the list column follows them too.
    if (removed.meta.changes) await resegmentStatement(db, tenantId, DEFAULT_RFM_CUT_POINTS, now).run();
    return null;
  }
  await db.batch([
    db
      .prepare(
        `INSERT INTO tenant_insights (tenant_id, kind, value, computed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant_id, kind) DO UPDATE SET value = excluded.value, computed_at = excluded.computed_at`,
      )
      .bind(tenantId, KIND, JSON.stringify(cuts), now),
    resegmentStatement(db, tenantId, cuts, now),
  ]);
  return { cutPoints: cuts, computedAt: now };
}

/** `1 + (x > c1) + ... + (x > c4)`: rfm.ts's scoreAscending in SQL, the cuts bound as ?first..?first+3. */
const ascending = (x: string, first: number) => `(1 + ${[0, 1, 2, 3].map((i) => `(${x} > ?${first + i})`).join(' + ')})`;
/** Whole days since the last order at ?9 (rfm.ts's recencyDays). */
const RECENCY = `MAX(0, CAST((?9 - COALESCE(last_order_at, last_seen)) / ${DAY_MS} AS INTEGER))`;
/** rfm.ts's rfmSegment for every (r, f), keyed r * 10 + f, so SQL and portraits never disagree. */
const SEGMENT_CASE = (() => {
  const whens: string[] = [];
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) whens.push(`WHEN ${r * 10 + f} THEN '${rfmSegment(r, f).replace(/'/g, "''")}'`);
  return `CASE (6 - ${ascending(RECENCY, 1)}) * 10 + ${ascending('orders', 5)} ${whens.join(' ')} END`;
})();

/**
 * Rewrites the `rfm_segment` list column of the tenant's buyers for new cut points, so
 * profile lists and filters agree with the portraits at once instead of row by row as
 * each profile's index alarm runs again.
 */
function resegmentStatement(db: D1Database, tenantId: string, cuts: Pick<RfmCutPoints, 'recency' | 'frequency'>, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE profiles SET rfm_segment = ${SEGMENT_CASE}
       WHERE tenant_id = ?10 AND orders > 0 AND merged_into IS NULL AND COALESCE(last_order_at, last_seen) IS NOT NULL`,
    )
    .bind(...cuts.recency, ...cuts.frequency, Math.floor(now), tenantId);
}

/** The cron trigger's pass: recomputes every tenant's cut points; returns how many tenants got some. */
export async function refreshAllTenantsRfm(db: D1Database, now = Date.now()): Promise<{ tenants: number; computed: number; failed: number }> {
  const { results } = await db.prepare('SELECT id FROM tenants ORDER BY id').all<{ id: string }>();
  let computed = 0;
  let failed = 0;
  for (const { id } of results) {
    try {
      if (await refreshTenantRfm(db, id, now)) computed++;
    } catch (err) {
      // One tenant's failure must not starve the others; the next run retries it.
      failed++;
      console.warn(`portrait: RFM cut points for tenant ${id} failed`, err);
    }
  }
  return { tenants: results.length, computed, failed };
}

/** Below this many buyers the lazy path also watches for fast growth (a young or freshly imported shop). */
export const RFM_GROWTH_WATCH = 10_000;

/**
 * Whether stored cut points (or none) call for a recomputation now, given the buyers
 * counted in the index: none yet and enough buyers; twice the buyers they were computed
 * from (a shop being imported gets cut points early, then better ones as it fills); or
 * older than RFM_STALE_MS and at least 10% (and 10) more buyers.
 */
export function rfmRefreshDue(current: RfmInsight | null, buyers: number, now: number): boolean {
  if (buyers < MIN_RFM_BUYERS) return false;
  if (!current) return true;
  const before = current.cutPoints.customers;
  if (buyers >= 2 * before) return true;
  if (now - current.computedAt < RFM_STALE_MS) return false;
  return buyers - before >= Math.max(10, Math.ceil(before * 0.1));
}

/** Whether the lazy path needs to count buyers at all (not for fresh cut points of a large tenant: cron keeps those). */
function worthChecking(current: RfmInsight | null, now: number): boolean {
  return !current || now - current.computedAt >= RFM_STALE_MS || current.cutPoints.customers < RFM_GROWTH_WATCH;
}

/** At most one lazy check per tenant per isolate per this interval. */
const LAZY_CHECK_MS = 60_000;
const lastCheck = new Map<string, number>();

/**
 * The lazy path (called with each definitions read, so at most every few seconds per
 * tenant per isolate, and checked at most once a minute): when the cut points are
 * missing, stale or come from a small tenant, counts the buyers (one index range count)
 * and recomputes when rfmRefreshDue says so.
 * Lets a freshly seeded development tenant get its own cut points without a cron run.
 */
export async function refreshRfmIfDue(db: D1Database, tenantId: string, current: RfmInsight | null, now = Date.now()): Promise<RfmInsight | null> {
  if (!worthChecking(current, now)) return null;
  if (now - (lastCheck.get(tenantId) ?? 0) < LAZY_CHECK_MS) return null;
  if (lastCheck.size > 10_000) lastCheck.clear();
  lastCheck.set(tenantId, now);
  const buyers = await countBuyers(db, tenantId);
  return rfmRefreshDue(current, buyers, now) ? refreshTenantRfm(db, tenantId, now) : null;
}
