import { describe, expect, it } from 'vitest';
import { createProfileState } from './profile-state';
import { applyEvent } from './apply-event';
import { renderPortrait } from './render-portrait';
import { backfillComputedTrait, computedTraitValue, validateComputedTrait, type ComputedTraitDefinition } from './computed-traits';
import { page, track } from './test-events';

const defs: ComputedTraitDefinition[] = [
  { id: 'orders_30d', type: 'count', event: 'Order Completed', windowDays: 30 },
  { id: 'spend', key: 'lifetime_spend', type: 'sum', event: 'Order Completed', property: 'revenue' },
  { id: 'avg_30d', type: 'avg', event: 'Order Completed', property: 'revenue', windowDays: 30 },
  { id: 'min', type: 'min', event: 'Order Completed', property: 'revenue' },
  { id: 'max', type: 'max', event: 'Order Completed', property: 'revenue' },
  { id: 'first_coupon', type: 'first', event: 'Order Completed', property: 'coupon' },
  { id: 'last_coupon', type: 'last', event: 'Order Completed', property: 'coupon' },
  { id: 'fav_pay', type: 'most_frequent', event: 'Order Completed', property: 'payment.method' },
  { id: 'pays', type: 'unique', event: 'Order Completed', property: 'payment.method' },
  { id: 'pages_7d', type: 'count', event: 'Page Viewed', windowDays: 7 },
];

const events = [
  track('Order Completed', { order_id: '1', revenue: 10, coupon: 'A', payment: { method: 'card' } }, '2026-09-01T00:00:00Z'),
  track('Order Completed', { order_id: '2', revenue: 30, coupon: 'B', payment: { method: 'paypal' } }, '2026-11-20T00:00:00Z'),
  track('Order Completed', { order_id: '3', revenue: 50, payment: { method: 'paypal' } }, '2026-11-28T00:00:00Z'),
  page('/', '2026-11-27T00:00:00Z'),
  page('/', '2026-11-01T00:00:00Z'),
];

describe('computed traits', () => {
  it('computes count, sum, avg, min, max, first, last, most_frequent and unique over sliding windows, in any arrival order', () => {
    for (const order of [events, [...events].reverse()]) {
      const s = createProfileState();
      for (const e of order) applyEvent(s, e, { computedTraits: defs });
      expect(renderPortrait(s, { now: '2026-11-29T00:00:00Z', config: { computedTraits: defs } }).computed).toEqual({
        orders_30d: 2, lifetime_spend: 90, avg_30d: 40, min: 10, max: 50, first_coupon: 'A', last_coupon: 'B',
        fav_pay: 'paypal', pays: ['card', 'paypal'], pages_7d: 1,
      });
    }
  });

  it('lets old events slide out of the window as time passes', () => {
    const s = createProfileState();
    for (const e of events) applyEvent(s, e, { computedTraits: defs });
    expect(computedTraitValue(s, defs[0], Date.parse('2026-12-21T00:00:00Z'))).toBe(1);
    expect(computedTraitValue(s, defs[0], Date.parse('2027-01-01T00:00:00Z'))).toBe(0);
    expect(computedTraitValue(s, defs[2], Date.parse('2027-01-01T00:00:00Z'))).toBeNull();
  });

  it('backfills a new definition from the timeline', () => {
    const s = createProfileState();
    for (const e of events) applyEvent(s, e);
    backfillComputedTrait(s, defs[1], events as never);
    expect(computedTraitValue(s, defs[1], Date.parse('2026-11-29T00:00:00Z'))).toBe(90);
  });

  it('validates definitions with the path of each problem', () => {
    expect(validateComputedTrait(defs[2])).toEqual([]);
    expect(validateComputedTrait({ id: 'x y', type: 'median', event: '', windowDays: 0 })).toEqual([
      { path: 'id', message: expect.any(String) },
      { path: 'type', message: expect.stringContaining('count, sum, avg') },
      { path: 'event', message: expect.any(String) },
      { path: 'property', message: expect.stringContaining('needs the property') },
      { path: 'windowDays', message: expect.any(String) },
    ]);
    expect(validateComputedTrait({ id: 'ok', type: 'count', event: 'X' }, 'traits[2]')).toEqual([]);
    expect(validateComputedTrait(null, 'traits[0]')).toEqual([{ path: 'traits[0]', message: expect.any(String) }]);
  });
});
