import { describe, expect, it } from 'vitest';
import { rfmCutPoints, quantile, type RfmRow } from './rfm-cut-points';
import { computeRfm } from '../profiles/rfm';

const DAY = 86_400_000;

describe('rfmCutPoints', () => {
  it('derives quintile cut points from buyers only', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([10, 20], 0.25)).toBe(12.5);
    const rows: RfmRow[] = Array.from({ length: 101 }, (_, i) => ({ recencyDays: i, frequency: i + 1, monetary: i * 10 }));
    rows.push({ recencyDays: null, frequency: 0, monetary: 0 });
    expect(rfmCutPoints(rows, '2026-11-29T00:00:00Z')).toEqual({
      recency: [20, 40, 60, 80], frequency: [21, 41, 61, 81], monetary: [200, 400, 600, 800], customers: 101, computedAt: '2026-11-29T00:00:00Z',
    });
    expect(rfmCutPoints([{ recencyDays: null, frequency: 0, monetary: 0 }])).toBeNull();
    const now = Date.parse('2026-11-29T00:00:00Z');
    expect(computeRfm(50, 500, now - 30 * DAY, now, rfmCutPoints(rows))).toMatchObject({ r: 4, f: 3, m: 3, segment: 'Potential Loyalist', cutPoints: 'tenant' });
  });
});
