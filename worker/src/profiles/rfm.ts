/**
 * RFM: recency (days since the last order), frequency (orders), monetary (net revenue),
 * each scored 1-5 against the tenant's quintile cut points, and a named segment from
 * the R and F scores (the classic RFM grid).
 */
import type { RfmCutPoints } from '../insights/rfm-cut-points';
import { DAY_MS } from './event-time';

export type RfmSegment =
  | 'Champions' | 'Loyal' | 'Potential Loyalist' | 'New' | 'Promising' | 'Need Attention'
  | 'About to Sleep' | 'At Risk' | "Can't Lose Them" | 'Hibernating' | 'Lost';

export interface Rfm {
  recencyDays: number | null;
  frequency: number;
  monetary: number;
  r: number | null;
  f: number | null;
  m: number | null;
  score: string | null;
  segment: RfmSegment | null;
  /** Where the cut points came from: the tenant's insights or the built-in defaults. */
  cutPoints: 'tenant' | 'default';
}

/** Used until the tenant has insights: recency in days, frequency in orders, monetary in the base currency. */
export const DEFAULT_RFM_CUT_POINTS: RfmCutPoints = {
  recency: [14, 30, 90, 180],
  frequency: [1, 2, 3, 5],
  monetary: [50, 150, 400, 1000],
  customers: 0,
};

/** Whole days between the last order and now (0 on the same day); null without orders. */
export function recencyDays(lastOrderAt: number | null, now: number): number | null {
  return lastOrderAt === null ? null : Math.max(0, Math.floor((now - lastOrderAt) / DAY_MS));
}

/** Higher is better: 1 at or below the first cut, 5 above the last. */
export function scoreAscending(value: number, cuts: readonly number[]): number {
  let score = 1;
  for (const c of cuts) if (value > c) score++;
  return score;
}

/** Lower is better (recency): 5 at or below the first cut, 1 above the last. */
export function scoreDescending(value: number, cuts: readonly number[]): number {
  return 6 - scoreAscending(value, cuts);
}

export function rfmSegment(r: number, f: number): RfmSegment {
  if (r >= 5) return f >= 4 ? 'Champions' : f >= 2 ? 'Potential Loyalist' : 'New';
  if (r === 4) return f >= 4 ? 'Loyal' : f >= 2 ? 'Potential Loyalist' : 'Promising';
  if (r === 3) return f >= 4 ? 'Loyal' : f === 3 ? 'Need Attention' : 'About to Sleep';
  if (f >= 5) return "Can't Lose Them";
  if (f >= 3) return 'At Risk';
  return r === 1 && f === 1 ? 'Lost' : 'Hibernating';
}

export function computeRfm(orders: number, revenue: number, lastOrderAt: number | null, now: number, cuts?: RfmCutPoints | null): Rfm {
  const rec = recencyDays(lastOrderAt, now);
  const c = cuts ?? DEFAULT_RFM_CUT_POINTS;
  const source = cuts ? 'tenant' : 'default';
  if (orders <= 0 || rec === null) {
    return { recencyDays: rec, frequency: Math.max(0, orders), monetary: revenue, r: null, f: null, m: null, score: null, segment: null, cutPoints: source };
  }
  const r = scoreDescending(rec, c.recency);
  const f = scoreAscending(orders, c.frequency);
  const m = scoreAscending(revenue, c.monetary);
  return { recencyDays: rec, frequency: orders, monetary: revenue, r, f, m, score: `${r}${f}${m}`, segment: rfmSegment(r, f), cutPoints: source };
}
