import { describe, expect, it } from 'vitest';
import { campaignVisitorId, inAttributionWindow, matchesGoal, readCampaignEvents } from './campaign-events';

const t = (iso: string) => ({ timestamp: iso });

describe('readCampaignEvents', () => {
  it('reads promotion views and clicks with their arm, and goal candidates with every id', () => {
    const r = readCampaignEvents([
      { type: 'track', event: 'Order Completed', anonymousId: 'a1', userId: 'u1', properties: { total: 10 }, ...t('2026-12-01T10:05:00Z') },
      { type: 'track', event: 'Promotion Clicked', anonymousId: 'a1', properties: { campaign_id: 'c1', variant_id: 'v2', holdout: false }, ...t('2026-12-01T10:01:00Z') },
      { type: 'track', event: 'Promotion Viewed', anonymousId: 'a1', properties: { campaign_id: 'c1', variant_id: null, holdout: true }, ...t('2026-12-01T10:00:00Z') },
      { type: 'page', anonymousId: 'a1', ...t('2026-12-01T10:00:00Z') },
      { type: 'track', event: 'Promotion Viewed', anonymousId: 'a1', properties: { campaign_id: 5 }, ...t('2026-12-01T10:00:00Z') },
    ]);
    expect(r.promotions).toEqual([
      { kind: 'view', campaignId: 'c1', arm: 'holdout', visitorId: 'anon:a1', at: Date.parse('2026-12-01T10:00:00Z') },
      { kind: 'click', campaignId: 'c1', arm: 'v2', visitorId: 'anon:a1', at: Date.parse('2026-12-01T10:01:00Z') },
    ]);
    expect(r.goals).toEqual([{ event: 'Order Completed', properties: { total: 10 }, visitorIds: ['anon:a1', 'user:u1'], at: Date.parse('2026-12-01T10:05:00Z') }]);
  });

  it('keys visitors by anonymous id first', () => {
    expect(campaignVisitorId('a', 'u')).toBe('anon:a');
    expect(campaignVisitorId(undefined, 'u')).toBe('user:u');
    expect(campaignVisitorId(undefined, undefined)).toBeNull();
  });
});

describe('matchesGoal and inAttributionWindow', () => {
  const goal = { event: 'Order Completed', where: { currency: 'EUR', items: 2 }, windowHours: 24 };
  it('needs the name and every property', () => {
    expect(matchesGoal(goal, 'Order Completed', { currency: 'EUR', items: '2' })).toBe(true);
    expect(matchesGoal(goal, 'Order Completed', { currency: 'USD', items: 2 })).toBe(false);
    expect(matchesGoal(goal, 'Order Completed', { currency: 'EUR' })).toBe(false);
    expect(matchesGoal(goal, 'Checkout Started', { currency: 'EUR', items: 2 })).toBe(false);
    expect(matchesGoal({ event: 'Signed Up', windowHours: 1 }, 'Signed Up', {})).toBe(true);
  });
  it('counts conversions only after the view and inside the window', () => {
    const seen = Date.parse('2026-12-01T10:00:00Z');
    expect(inAttributionWindow(goal, seen, seen + 3_600_000)).toBe(true);
    expect(inAttributionWindow(goal, seen, seen - 1)).toBe(false);
    expect(inAttributionWindow(goal, seen, seen + 25 * 3_600_000)).toBe(false);
  });
});
