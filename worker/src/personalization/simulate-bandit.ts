import type { Campaign } from './campaign-types';
import { type ArmCounts, type AllocationCount, type CampaignReport, bucketStart, campaignReport } from './campaign-report';
import { type ArmStats, decide, HOLDOUT } from './decide';
import { seededRandom } from './random';

export interface SimulationOptions {
  seed: number;
  /** Visitors arriving, one decision each. */
  visitors: number;
  /** True conversion rate per variant id. */
  rates: Record<string, number>;
  /** True conversion rate of the default content. */
  holdoutRate: number;
  /** Holdout share (default 0.1). */
  holdout?: number;
  /** Visitors per stats refresh: the bandit learns from counts updated this often (default 100). */
  refreshEvery?: number;
  /** Visitors per allocation bucket in the report (default visitors / 10). */
  bucketVisitors?: number;
}

export interface SimulationResult {
  report: CampaignReport;
  /** Share of non-holdout visitors sent to each variant. */
  share: Record<string, number>;
}

/**
 * Dry-run a campaign's bandit against known conversion rates: every visitor goes through
 * the real `decide` (sticky holdout hash, Thompson sampling) and converts with the
 * true rate of what they saw; the counts feed `campaignReport`. Reproducible per seed.
 *
 * @example simulateBandit({ seed: 7, visitors: 20000, rates: { a: 0.02, b: 0.04, c: 0.06 }, holdoutRate: 0.02 })
 */
export function simulateBandit(options: SimulationOptions): SimulationResult {
  const random = seededRandom(options.seed);
  const world = seededRandom(options.seed ^ 0x5bd1e995);
  const ids = Object.keys(options.rates);
  const campaign: Campaign = {
    id: 'sim', name: 'Simulation', slot: 'hero', audience: { everyone: true },
    variants: ids.map((id) => ({ id, name: id, content: { headline: id } })),
    holdout: options.holdout ?? 0.1, goal: { event: 'Order Completed', windowHours: 168 },
    startAt: null, endAt: null, priority: 0, frequencyCap: null, status: 'active',
    createdAt: new Date(0).toISOString(), updatedAt: new Date(0).toISOString(),
  };
  const counts = new Map<string, ArmCounts>([...ids, HOLDOUT].map((arm) => [arm, { arm, impressions: 0, clicks: 0, conversions: 0 }]));
  const refreshEvery = options.refreshEvery ?? 100;
  const bucketVisitors = options.bucketVisitors ?? Math.max(1, Math.floor(options.visitors / 10));
  const allocation = new Map<string, AllocationCount>();
  let stats: Record<string, ArmStats> = {};
  for (let i = 0; i < options.visitors; i++) {
    if (i % refreshEvery === 0) {
      stats = {};
      for (const id of ids) stats[id] = { impressions: counts.get(id)!.impressions, conversions: counts.get(id)!.conversions };
    }
    const { slots } = decide({
      tenant: 'sim', visitorId: `visitor-${options.seed}-${i}`, slots: ['hero'], campaigns: [campaign], now: 0,
      inAudience: () => true, stats: { sim: stats }, data: {}, random,
    });
    const d = slots.hero!;
    const arm = d.holdout ? HOLDOUT : d.variant!;
    const c = counts.get(arm)!;
    c.impressions++;
    if (world() < (d.holdout ? options.holdoutRate : options.rates[arm])) c.conversions++;
    // Simulated time: one bucket per `bucketVisitors` visitors, one hour each.
    const bucket = bucketStart(Math.floor(i / bucketVisitors) * 3_600_000, 1);
    const key = `${bucket}|${arm}`;
    const row = allocation.get(key) ?? { bucket, arm, impressions: 0 };
    row.impressions++;
    allocation.set(key, row);
  }
  const treated = ids.reduce((s, id) => s + counts.get(id)!.impressions, 0);
  const share: Record<string, number> = {};
  for (const id of ids) share[id] = treated ? counts.get(id)!.impressions / treated : 0;
  return { report: campaignReport(campaign, [...counts.values()], [...allocation.values()]), share };
}
