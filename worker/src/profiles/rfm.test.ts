import { describe, expect, it } from 'vitest';
import { computeRfm, recencyDays, rfmSegment, scoreAscending, scoreDescending } from './rfm';

const DAY = 86_400_000;

describe('rfm', () => {
  it('scores against cut points: lower recency and higher frequency/monetary score higher', () => {
    expect([0, 10, 11, 100, 1000].map((v) => scoreDescending(v, [10, 20, 50, 100]))).toEqual([5, 5, 4, 2, 1]);
    expect([1, 2, 3, 6].map((v) => scoreAscending(v, [1, 2, 3, 5]))).toEqual([1, 2, 3, 5]);
  });

  it('names every cell of the R x F grid', () => {
    const grid = [5, 4, 3, 2, 1].map((r) => [1, 2, 3, 4, 5].map((f) => rfmSegment(r, f)));
    expect(grid).toEqual([
      ['New', 'Potential Loyalist', 'Potential Loyalist', 'Champions', 'Champions'],
      ['Promising', 'Potential Loyalist', 'Potential Loyalist', 'Loyal', 'Loyal'],
      ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal', 'Loyal'],
      ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
      ['Lost', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
    ]);
  });

  it('computes recency in whole days and leaves scores empty without orders', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(recencyDays(now - 36 * 3_600_000, now)).toBe(1);
    expect(computeRfm(0, -12, null, now)).toMatchObject({ recencyDays: null, frequency: 0, monetary: -12, r: null, segment: null, cutPoints: 'default' });
    expect(computeRfm(6, 2000, now - 2 * DAY, now)).toMatchObject({ recencyDays: 2, r: 5, f: 5, m: 5, score: '555', segment: 'Champions' });
  });
});
