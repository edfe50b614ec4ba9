/**
 * Tenant-wide RFM quintile cut points from the buyers' (recency, frequency, monetary)
 * rows. Each list holds the 20th, 40th, 60th and 80th percentiles (linear
 * interpolation between closest ranks); profiles without orders are left out.
 */
export interface RfmRow { recencyDays: number | null; frequency: number; monetary: number }

export interface RfmCutPoints {
  recency: [number, number, number, number];
  frequency: [number, number, number, number];
  monetary: [number, number, number, number];
  /** Buyers the cut points were computed from. */
  customers: number;
  computedAt?: string;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const quintiles = (values: number[]): [number, number, number, number] => {
  const s = [...values].sort((a, b) => a - b);
  return [0.2, 0.4, 0.6, 0.8].map((q) => Math.round(quantile(s, q) * 100) / 100) as [number, number, number, number];
};

/** Null when there is no buyer to learn from. */
export function rfmCutPoints(rows: Iterable<RfmRow>, computedAt?: string): RfmCutPoints | null {
  const r: number[] = [];
  const f: number[] = [];
  const m: number[] = [];
  for (const row of rows) {
    if (!(row.frequency > 0) || row.recencyDays === null || !Number.isFinite(row.recencyDays)) continue;
    r.push(row.recencyDays);
    f.push(row.frequency);
    m.push(row.monetary);
  }
  if (r.length === 0) return null;
  const cuts: RfmCutPoints = { recency: quintiles(r), frequency: quintiles(f), monetary: quintiles(m), customers: r.length };
  if (computedAt) cuts.computedAt = computedAt;
  return cuts;
}
