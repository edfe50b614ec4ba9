import { describe, expect, it } from 'vitest';
import { bucketStart, campaignReport } from './campaign-report';

const campaign = { id: 'c1', variants: [{ id: 'a', name: 'Reminder', content: { headline: 'x' } }, { id: 'b', name: 'Discount', content: { headline: 'y' } }] };

describe('campaignReport', () => {
  it('reports rates, Wilson intervals and Newcombe uplift per variant and holdout', () => {
    const r = campaignReport(campaign, [
      { arm: 'a', impressions: 1000, clicks: 90, conversions: 60 },
      { arm: 'b', impressions: 500, clicks: 20, conversions: 10 },
      { arm: 'holdout', impressions: 1000, clicks: 5, conversions: 20 },
    ]);
    const [a, b, hold] = r.arms;
    expect(a).toMatchObject({ arm: 'a', name: 'Reminder', holdout: false, impressions: 1000, clicks: 90, conversions: 60, clickRate: 0.09, conversionRate: 0.06 });
    expect(a.uplift!.estimate).toBeCloseTo(0.04, 10);
    expect(a.uplift!.low).toBeGreaterThan(0.02);
    expect(a.uplift!.high).toBeLessThan(0.06);
    expect(a.uplift!.relative).toBeCloseTo(2, 10);
    expect(b.uplift!.low).toBeLessThan(0);
    expect(hold).toMatchObject({ arm: 'holdout', holdout: true, uplift: null, conversionRate: 0.02 });
    expect(hold.conversionInterval.low).toBeCloseTo(0.013, 3);
    expect(r.treated).toMatchObject({ impressions: 1500, conversions: 70 });
    expect(r.treated.uplift!.estimate).toBeCloseTo(70 / 1500 - 0.02, 10);
  });

  it('lists every variant even without data, with no uplift', () => {
    const r = campaignReport(campaign, []);
    expect(r.arms.map((x) => [x.arm, x.impressions, x.conversionRate, x.uplift])).toEqual([
      ['a', 0, null, null],
      ['b', 0, null, null],
      ['holdout', 0, null, null],
    ]);
  });

  it('groups allocation into sorted buckets with shares', () => {
    const day1 = bucketStart(Date.parse('2026-12-01T13:00:00Z'));
    const day2 = bucketStart(Date.parse('2026-12-02T01:00:00Z'));
    expect(day1).toBe('2026-12-01T00:00:00.000Z');
    const r = campaignReport(campaign, [], [
      { bucket: day2, arm: 'a', impressions: 90 },
      { bucket: day2, arm: 'b', impressions: 10 },
      { bucket: day1, arm: 'a', impressions: 5 },
      { bucket: day1, arm: 'b', impressions: 5 },
    ]);
    expect(r.allocation).toEqual([
      { bucket: day1, impressions: { a: 5, b: 5 }, share: { a: 0.5, b: 0.5 } },
      { bucket: day2, impressions: { a: 90, b: 10 }, share: { a: 0.9, b: 0.1 } },
    ]);
  });
});
