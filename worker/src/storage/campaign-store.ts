import type { AllocationCount, ArmCounts } from '../personalization/campaign-report';
import type { Campaign, CampaignInput } from '../personalization/campaign-types';
import { matchesGoal, readCampaignEvents, type CampaignEventInput } from '../personalization/campaign-events';
import type { ArmStats, VisitorHistory } from '../personalization/decide';

/** Campaign lists and bandit counts are cached per isolate this long (writes in this isolate clear them). */
const CACHE_MS = 10_000;
/** View times kept per visitor and campaign for the frequency cap. */
const RECENT_VIEWS = 50;

const campaignCache = new Map<string, { at: number; campaigns: Campaign[] }>();
const goalCache = new Map<string, { at: number; campaigns: Campaign[] }>();
const statsCache = new Map<string, { at: number; stats: Record<string, ArmStats> }>();

/** The cache entry for `key` while it is younger than CACHE_MS, else undefined. */
function fresh<T extends { at: number }>(cache: Map<string, T>, key: string, now: number): T | undefined {
  const hit = cache.get(key);
  return hit && now - hit.at < CACHE_MS ? hit : undefined;
}

interface CampaignRow {
  id: string;
  body: string;
  created_at: number;
  updated_at: number;
}

function fromRow(r: CampaignRow): Campaign {
  return { id: r.id, ...(JSON.parse(r.body) as CampaignInput), createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString() };
}

function newId(): string {
  const b = new Uint8Array(9);
  crypto.getRandomValues(b);
  return `cmp_${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

/** Store a validated campaign; returns it with its new id. */
export async function createCampaign(db: D1Database, tenantId: string, input: CampaignInput, now = Date.now()): Promise<Campaign> {
  const id = newId();
  await db
    .prepare('INSERT INTO campaigns (tenant_id, id, slot, status, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .bind(tenantId, id, input.slot, input.status, JSON.stringify(input), now, now)
    .run();
  campaignCache.delete(tenantId);
  goalCache.delete(tenantId);
  return fromRow({ id, body: JSON.stringify(input), created_at: now, updated_at: now });
}

/** Replace a campaign's definition; null when the tenant has no such campaign. */
export async function updateCampaign(db: D1Database, tenantId: string, id: string, input: CampaignInput, now = Date.now()): Promise<Campaign | null> {
  const row = await db
    .prepare('UPDATE campaigns SET slot = ?, status = ?, body = ?, updated_at = ? WHERE tenant_id = ? AND id = ? RETURNING id, body, created_at, updated_at')
    .bind(input.slot, input.status, JSON.stringify(input), now, tenantId, id)
    .first<CampaignRow>();
  campaignCache.delete(tenantId);
  goalCache.delete(tenantId);
  return row ? fromRow(row) : null;
}

export async function getCampaign(db: D1Database, tenantId: string, id: string): Promise<Campaign | null> {
  const row = await db.prepare('SELECT id, body, created_at, updated_at FROM campaigns WHERE tenant_id = ? AND id = ?').bind(tenantId, id).first<CampaignRow>();
  return row ? fromRow(row) : null;
}

/** Every campaign of the tenant, newest first. */
export async function listCampaigns(db: D1Database, tenantId: string): Promise<Campaign[]> {
  const { results } = await db.prepare('SELECT id, body, created_at, updated_at FROM campaigns WHERE tenant_id = ? ORDER BY created_at DESC, id').bind(tenantId).all<CampaignRow>();
  return results.map(fromRow);
}

/** Delete a campaign and its visitor rows; false when there was none. */
export async function deleteCampaign(db: D1Database, tenantId: string, id: string): Promise<boolean> {
  const [del] = await db.batch([
    db.prepare('DELETE FROM campaigns WHERE tenant_id = ? AND id = ?').bind(tenantId, id),
    db.prepare('DELETE FROM campaign_visitors WHERE tenant_id = ? AND campaign_id = ?').bind(tenantId, id),
  ]);
  campaignCache.delete(tenantId);
  goalCache.delete(tenantId);
  statsCache.delete(`${tenantId}|${id}`);
  return (del.meta.changes ?? 0) > 0;
}

/** Active campaigns of the tenant (cached per isolate for a few seconds: the decision path reads this). */
export async function activeCampaigns(db: D1Database, tenantId: string, now = Date.now()): Promise<Campaign[]> {
  const hit = fresh(campaignCache, tenantId, now);
  if (hit) return hit.campaigns;
  const { results } = await db
    .prepare("SELECT id, body, created_at, updated_at FROM campaigns WHERE tenant_id = ? AND status = 'active'")
    .bind(tenantId)
    .all<CampaignRow>();
  const campaigns = results.map(fromRow);
  campaignCache.set(tenantId, { at: now, campaigns });
  return campaigns;
}

/**
 * Whether recordCampaignEvents has anything to do with these events: a promotion view or
 * click, or goals that may count (campaigns active or paused, or not known: the isolate's
 * list is missing or stale). Ingest skips the bookkeeping for a tenant without campaigns.
 */
export function campaignEventsMatter(tenantId: string, events: CampaignEventInput[], now = Date.now()): boolean {
  const hit = fresh(goalCache, tenantId, now);
  if (!hit || hit.campaigns.length > 0) return true;
  return events.some((e) => e.type === 'track' && (e.event === 'Promotion Viewed' || e.event === 'Promotion Clicked'));
}

/** Campaigns whose goals still count (active or paused), cached per isolate: ingest reads this for every batch. */
async function goalCampaigns(db: D1Database, tenantId: string, now = Date.now()): Promise<Campaign[]> {
  const hit = fresh(goalCache, tenantId, now);
  if (hit) return hit.campaigns;
  const { results } = await db
    .prepare("SELECT id, body, created_at, updated_at FROM campaigns WHERE tenant_id = ? AND status IN ('active', 'paused')")
    .bind(tenantId)
    .all<CampaignRow>();
  const campaigns = results.map(fromRow);
  goalCache.set(tenantId, { at: now, campaigns });
  return campaigns;
}

/** The visitor's sticky arms and recent view times in these campaigns. */
export async function visitorHistory(db: D1Database, tenantId: string, visitorId: string, campaignIds: string[]): Promise<VisitorHistory> {
  const history: Required<VisitorHistory> = { assignments: {}, impressions: {} };
  if (!campaignIds.length) return history;
  const { results } = await db
    .prepare(`SELECT campaign_id, arm, recent_views FROM campaign_visitors WHERE tenant_id = ? AND visitor_id = ? AND campaign_id IN (${campaignIds.map(() => '?').join(',')})`)
    .bind(tenantId, visitorId, ...campaignIds)
    .all<{ campaign_id: string; arm: string; recent_views: string }>();
  for (const r of results) {
    history.assignments[r.campaign_id] = r.arm;
    try {
      history.impressions[r.campaign_id] = JSON.parse(r.recent_views) as number[];
    } catch {
      history.impressions[r.campaign_id] = [];
    }
  }
  return history;
}

/**
 * Remember arms given. A first arm is only inserted (a concurrent request's arm wins); an
 * arm that `replaces` one no longer valid resets the row, so the visitor's views, click and
 * conversion count for the arm they now see.
 */
export async function saveAssignments(
  db: D1Database,
  tenantId: string,
  visitorId: string,
  assignments: Array<{ campaign: string; arm: string; replaces?: string }>,
  now = Date.now(),
): Promise<void> {
  if (!assignments.length) return;
  await db.batch(
    assignments.map((a) =>
      a.replaces
        ? db
            .prepare(
              `UPDATE campaign_visitors SET arm = ?1, assigned_at = ?2, first_viewed_at = NULL, last_viewed_at = NULL, views = 0,
               recent_views = '[]', clicked_at = NULL, converted_at = NULL WHERE tenant_id = ?3 AND campaign_id = ?4 AND visitor_id = ?5 AND arm = ?6`,
            )
            .bind(a.arm, now, tenantId, a.campaign, visitorId, a.replaces)
        : db.prepare('INSERT OR IGNORE INTO campaign_visitors (tenant_id, campaign_id, visitor_id, arm, assigned_at) VALUES (?, ?, ?, ?, ?)').bind(tenantId, a.campaign, visitorId, a.arm, now),
    ),
  );
}

/** Per variant: visitors who saw it and visitors who converted (what Thompson sampling learns from). Cached a few seconds. */
export async function armStats(db: D1Database, tenantId: string, campaignId: string, now = Date.now()): Promise<Record<string, ArmStats>> {
  const key = `${tenantId}|${campaignId}`;
  const hit = fresh(statsCache, key, now);
  if (hit) return hit.stats;
  const { results } = await db
    .prepare('SELECT arm, count(first_viewed_at) AS impressions, count(converted_at) AS conversions FROM campaign_visitors WHERE tenant_id = ? AND campaign_id = ? GROUP BY arm')
    .bind(tenantId, campaignId)
    .all<{ arm: string; impressions: number; conversions: number }>();
  const stats: Record<string, ArmStats> = {};
  for (const r of results) stats[r.arm] = { impressions: r.impressions, conversions: r.conversions };
  statsCache.set(key, { at: now, stats });
  return stats;
}

/** Counts for the report: per arm, and first views per arm per time bucket. */
export async function reportCounts(db: D1Database, tenantId: string, campaignId: string, bucketHours: number): Promise<{ counts: ArmCounts[]; allocation: AllocationCount[] }> {
  const size = Math.round(bucketHours * 3_600_000);
  const [byArm, byBucket] = await db.batch<Record<string, unknown>>([
    db
      .prepare('SELECT arm, count(first_viewed_at) AS impressions, count(clicked_at) AS clicks, count(converted_at) AS conversions FROM campaign_visitors WHERE tenant_id = ? AND campaign_id = ? GROUP BY arm')
      .bind(tenantId, campaignId),
    db
      .prepare('SELECT (first_viewed_at / ?) * ? AS bucket, arm, count(*) AS impressions FROM campaign_visitors WHERE tenant_id = ? AND campaign_id = ? AND first_viewed_at IS NOT NULL GROUP BY bucket, arm ORDER BY bucket')
      .bind(size, size, tenantId, campaignId),
  ]);
  return {
    counts: (byArm.results as unknown as ArmCounts[]).map((r) => ({ arm: r.arm, impressions: r.impressions, clicks: r.clicks, conversions: r.conversions })),
    allocation: (byBucket.results as Array<{ bucket: number; arm: string; impressions: number }>).map((r) => ({ bucket: new Date(r.bucket).toISOString(), arm: r.arm, impressions: r.impressions })),
  };
}

/**
 * Campaign bookkeeping for newly stored events (called by ingest after they are durable):
 * `Promotion Viewed` / `Promotion Clicked` update the visitor's row of that campaign, and
 * a track event matching a campaign's goal marks visitors who saw it within the
 * attribution window as converted (once). Idempotent enough for retries: first
 * view, click and conversion times are kept with COALESCE; a re-sent view only bumps counters.
 */
export async function recordCampaignEvents(db: D1Database, tenantId: string, events: CampaignEventInput[]): Promise<void> {
  const { promotions, goals } = readCampaignEvents(events);
  const statements: D1PreparedStatement[] = [];
  for (const p of promotions) {
    if (p.kind === 'view') {
      const existing = await db
        .prepare('SELECT recent_views FROM campaign_visitors WHERE tenant_id = ? AND campaign_id = ? AND visitor_id = ?')
        .bind(tenantId, p.campaignId, p.visitorId)
        .first<{ recent_views: string }>();
      let recent: number[] = [];
      try {
        recent = existing ? (JSON.parse(existing.recent_views) as number[]) : [];
      } catch { /* a damaged list restarts */ }
      recent = [...recent, p.at].sort((a, b) => a - b).slice(-RECENT_VIEWS);
      await db
        .prepare(
          `INSERT INTO campaign_visitors (tenant_id, campaign_id, visitor_id, arm, assigned_at, first_viewed_at, last_viewed_at, views, recent_views)
           VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5, 1, ?6)
           ON CONFLICT (tenant_id, campaign_id, visitor_id) DO UPDATE SET
             first_viewed_at = min(coalesce(first_viewed_at, ?5), ?5), last_viewed_at = max(coalesce(last_viewed_at, ?5), ?5),
             views = views + 1, recent_views = ?6`,
        )
        .bind(tenantId, p.campaignId, p.visitorId, p.arm, p.at, JSON.stringify(recent))
        .run();
    } else {
      statements.push(
        db
          .prepare(
            `INSERT INTO campaign_visitors (tenant_id, campaign_id, visitor_id, arm, assigned_at, clicked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (tenant_id, campaign_id, visitor_id) DO UPDATE SET clicked_at = min(coalesce(clicked_at, ?5), ?5)`,
          )
          .bind(tenantId, p.campaignId, p.visitorId, p.arm, p.at),
      );
    }
  }
  if (goals.length) {
    const campaigns = await goalCampaigns(db, tenantId);
    for (const g of goals) {
      for (const c of campaigns) {
        if (!matchesGoal(c.goal, g.event, g.properties)) continue;
        const windowMs = c.goal.windowHours * 3_600_000;
        // The attribution rule of inAttributionWindow (campaign-events.ts), in SQL.
        statements.push(
          db
            .prepare(
              `UPDATE campaign_visitors SET converted_at = ?1 WHERE tenant_id = ?2 AND campaign_id = ?3 AND converted_at IS NULL
               AND first_viewed_at IS NOT NULL AND first_viewed_at <= ?1 AND ?1 <= first_viewed_at + ?4
               AND visitor_id IN (${g.visitorIds.map((_, i) => `?${5 + i}`).join(',')})`,
            )
            .bind(g.at, tenantId, c.id, windowMs, ...g.visitorIds),
        );
      }
    }
  }
  if (statements.length) await db.batch(statements);
}
