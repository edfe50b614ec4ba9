import type { Campaign } from './campaign-types';
import { HOLDOUT } from './decide';
import { type Interval, newcombeDifference, wilsonInterval } from './intervals';

/** Counts for one arm (a variant id, or `holdout`). Conversions are visitors converting within the goal window after exposure. */
export interface ArmCounts {
  arm: string;
  impressions: number;
  clicks: number;
  conversions: number;
}

/** Impressions of one arm in one time bucket (bucket = ISO start time). */
export interface AllocationCount {
  bucket: string;
  arm: string;
  impressions: number;
}

export interface Uplift {
  /** Conversion rate minus the holdout's, in proportion points (0.04 = +4 points). */
  estimate: number;
  /** 95% interval of the difference (Newcombe's hybrid score method). */
  low: number;
  high: number;
  /** estimate / holdout rate (null when the holdout has no conversions). Point estimate only. */
  relative: number | null;
}

export interface ArmReport {
  arm: string;
  name: string;
  holdout: boolean;
  impressions: number;
  clicks: number;
  conversions: number;
  clickRate: number | null;
  conversionRate: number | null;
  /** 95% Wilson interval of the conversion rate. */
  conversionInterval: Interval;
  /** Against the holdout; null for the holdout itself or when either arm has no impressions. */
  uplift: Uplift | null;
}

export interface CampaignReport {
  campaign: string;
  method: { conversionInterval: string; uplift: string };
  arms: ArmReport[];
  /** All variants pooled against the holdout: the campaign's overall effect. */
  treated: Omit<ArmReport, 'arm' | 'name' | 'holdout'>;
  /** The bandit's allocation: per time bucket, impressions and share per arm. */
  allocation: Array<{ bucket: string; impressions: Record<string, number>; share: Record<string, number> }>;
}

/**
 * Build a campaign's report from stored counts: per variant and holdout, impressions,
 * clicks, conversions, conversion rate with a 95% Wilson interval, and uplift over the
 * holdout as an absolute difference of proportions with a 95% Newcombe (hybrid score)
 * interval; plus the allocation over time.
 *
 * @example campaignReport(campaign, [{ arm: 'v1', impressions: 1000, clicks: 80, conversions: 60 },
 *   { arm: 'holdout', impressions: 1000, clicks: 0, conversions: 20 }], [])
 */
export function campaignReport(
  campaign: Pick<Campaign, 'id' | 'variants'>,
  counts: ArmCounts[],
  allocation: AllocationCount[] = [],
): CampaignReport {
  const byArm = new Map<string, ArmCounts>();
  for (const c of counts) {
    const prev = byArm.get(c.arm) ?? { arm: c.arm, impressions: 0, clicks: 0, conversions: 0 };
    byArm.set(c.arm, { arm: c.arm, impressions: prev.impressions + c.impressions, clicks: prev.clicks + c.clicks, conversions: prev.conversions + c.conversions });
  }
  const zero = (arm: string): ArmCounts => ({ arm, impressions: 0, clicks: 0, conversions: 0 });
  const hold = byArm.get(HOLDOUT) ?? zero(HOLDOUT);
  const arms: ArmReport[] = campaign.variants.map((v) => armReport(byArm.get(v.id) ?? zero(v.id), v.name, false, hold));
  arms.push(armReport(hold, 'Holdout (default content)', true, hold));

  const pooled = campaign.variants.reduce<ArmCounts>((acc, v) => {
    const c = byArm.get(v.id);
    if (c) {
      acc.impressions += c.impressions;
      acc.clicks += c.clicks;
      acc.conversions += c.conversions;
    }
    return acc;
  }, zero('treated'));
  const { arm: _a, name: _n, holdout: _h, ...treated } = armReport(pooled, 'All variants', false, hold);

  const buckets = new Map<string, Record<string, number>>();
  for (const a of allocation) {
    const row = buckets.get(a.bucket) ?? {};
    row[a.arm] = (row[a.arm] ?? 0) + a.impressions;
    buckets.set(a.bucket, row);
  }
  return {
    campaign: campaign.id,
    method: {
      conversionInterval: '95% Wilson score interval',
      uplift: 'absolute difference of conversion rates vs holdout, 95% Newcombe hybrid score interval (method 10)',
    },
    arms,
    treated,
    allocation: [...buckets.keys()].sort().map((bucket) => {
      const impressions = buckets.get(bucket)!;
      const total = Object.values(impressions).reduce((s, n) => s + n, 0);
      const share: Record<string, number> = {};
      for (const [arm, n] of Object.entries(impressions)) share[arm] = total ? n / total : 0;
      return { bucket, impressions, share };
    }),
  };
}

function armReport(c: ArmCounts, name: string, holdout: boolean, hold: ArmCounts): ArmReport {
  const conversions = Math.min(c.conversions, c.impressions);
  const rate = c.impressions ? conversions / c.impressions : null;
  let uplift: Uplift | null = null;
  if (!holdout && c.impressions > 0 && hold.impressions > 0) {
    const holdConv = Math.min(hold.conversions, hold.impressions);
    const holdRate = holdConv / hold.impressions;
    const d = newcombeDifference(conversions, c.impressions, holdConv, hold.impressions);
    const estimate = rate! - holdRate;
    uplift = { estimate, low: d.low, high: d.high, relative: holdRate > 0 ? estimate / holdRate : null };
  }
  return {
    arm: c.arm,
    name,
    holdout,
    impressions: c.impressions,
    clicks: c.clicks,
    conversions,
    clickRate: c.impressions ? c.clicks / c.impressions : null,
    conversionRate: rate,
    conversionInterval: wilsonInterval(conversions, c.impressions),
    uplift,
  };
}

/** Start of the `hours`-long UTC bucket holding `at`, as ISO text (allocation buckets). */
export function bucketStart(at: number, hours = 24): string {
  const size = hours * 3_600_000;
  return new Date(Math.floor(at / size) * size).toISOString();
}
