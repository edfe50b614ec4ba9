import { describe, expect, it } from 'vitest';
import { createProfileState } from '../profiles/profile-state';
import { applyEvent } from '../profiles/apply-event';
import { renderPortrait } from '../profiles/render-portrait';
import { identify, track } from '../profiles/test-events';
import { evaluate } from './evaluate';
import type { SegmentRule } from './segment-rule';

const NOW = '2026-11-29T12:00:00.000Z';

const CONFIG = { computedTraits: [{ id: 'spend', type: 'sum' as const, event: 'Order Completed', property: 'revenue' }] };

function portrait() {
  const s = createProfileState('p1');
  applyEvent(s, identify({ email: 'ada@example.com', plan: 'Pro', age: 36, tags: ['vip', 'beta'], address: { country: 'FR' }, signupAt: '2026-11-20T00:00:00Z' }, '2026-11-01T00:00:00Z'));
  applyEvent(s, track('Order Completed', { order_id: 'a', revenue: 120 }, '2026-11-10T00:00:00Z'), CONFIG);
  applyEvent(s, track('Order Completed', { order_id: 'b', revenue: 30 }, '2026-11-28T00:00:00Z'), CONFIG);
  applyEvent(s, track('Order Completed', { order_id: 'c', revenue: 10 }, '2026-08-01T00:00:00Z'), CONFIG);
  return renderPortrait(s, { now: NOW, config: CONFIG });
}

const p = portrait();
const yes = (rule: SegmentRule) => expect(evaluate(rule, p, NOW), JSON.stringify(rule)).toBe(true);
const no = (rule: SegmentRule) => expect(evaluate(rule, p, NOW), JSON.stringify(rule)).toBe(false);

describe('evaluate: operators', () => {
  it('eq / neq (strings case-insensitively, numbers exactly, arrays by membership)', () => {
    yes({ field: 'traits.plan', op: 'eq', value: 'pro' });
    no({ field: 'traits.plan', op: 'eq', value: 'free' });
    yes({ field: 'commerce.orders', op: 'eq', value: 3 });
    yes({ field: 'traits.tags', op: 'eq', value: 'vip' });
    yes({ field: 'traits.plan', op: 'neq', value: 'free' });
    no({ field: 'commerce.orders', op: 'neq', value: 3 });
  });

  it('gt / gte / lt / lte on numbers and ISO dates; missing fields never match', () => {
    yes({ field: 'commerce.revenue', op: 'gt', value: 159 });
    no({ field: 'commerce.revenue', op: 'gt', value: 160 });
    yes({ field: 'commerce.revenue', op: 'gte', value: 160 });
    yes({ field: 'traits.age', op: 'lt', value: 40 });
    no({ field: 'traits.age', op: 'lt', value: 36 });
    yes({ field: 'traits.age', op: 'lte', value: 36 });
    yes({ field: 'commerce.lastOrderAt', op: 'gt', value: '2026-11-27' });
    no({ field: 'traits.missing', op: 'lt', value: 100 });
  });

  it('contains / starts_with on strings and lists', () => {
    yes({ field: 'traits.email', op: 'contains', value: '@EXAMPLE' });
    yes({ field: 'traits.tags', op: 'contains', value: 'beta' });
    no({ field: 'traits.tags', op: 'contains', value: 'alpha' });
    yes({ field: 'traits.email', op: 'starts_with', value: 'ada' });
    no({ field: 'traits.email', op: 'starts_with', value: 'bob' });
  });

  it('exists (and exists: false)', () => {
    yes({ field: 'traits.email', op: 'exists' });
    no({ field: 'traits.phone', op: 'exists' });
    yes({ field: 'traits.phone', op: 'exists', value: false });
    yes({ field: 'traits.address.country', op: 'exists' });
  });

  it('in and between', () => {
    yes({ field: 'traits.address.country', op: 'in', value: ['DE', 'FR'] });
    no({ field: 'traits.address.country', op: 'in', value: ['DE', 'ES'] });
    yes({ field: 'commerce.orders', op: 'between', value: [2, 3] });
    no({ field: 'commerce.orders', op: 'between', value: [4, 9] });
    yes({ field: 'traits.signupAt', op: 'between', value: ['2026-11-01', '2026-11-30'] });
  });

  it('within_last_days on dates', () => {
    yes({ field: 'commerce.lastOrderAt', op: 'within_last_days', value: 2 });
    no({ field: 'commerce.firstOrderAt', op: 'within_last_days', value: 30 });
    yes({ field: 'traits.signupAt', op: 'within_last_days', value: 10 });
  });

  it('reaches derived traits, RFM, computed traits and segments', () => {
    yes({ field: 'traits.derived.region.country', op: 'eq', value: 'FR' });
    yes({ field: 'rfm.r', op: 'eq', value: 5 });
    yes({ field: 'computed.spend', op: 'eq', value: 160 });
    no({ field: 'segments.vip', op: 'exists' });
  });

  it('event conditions count by name over a sliding window of days', () => {
    yes({ event: 'Order Completed', op: 'gte', value: 2, withinDays: 30 });
    no({ event: 'Order Completed', op: 'gte', value: 3, withinDays: 30 });
    yes({ event: 'Order Completed', op: 'eq', value: 3 });
    yes({ event: 'Order Completed', withinDays: 2 });
    no({ event: 'Order Completed', withinDays: 1 });
    no({ event: 'Product Viewed' });
    yes({ event: 'Product Viewed', op: 'eq', value: 0 });
    yes({ event: 'Order Completed', op: 'between', value: [1, 2], withinDays: 30 });
  });

  it('all / any / not combine', () => {
    yes({ all: [{ field: 'traits.plan', op: 'eq', value: 'pro' }, { any: [{ field: 'traits.age', op: 'gt', value: 99 }, { event: 'Order Completed', op: 'gte', value: 1 }] }] });
    no({ all: [{ field: 'traits.plan', op: 'eq', value: 'pro' }, { not: { field: 'traits.email', op: 'exists' } }] });
    yes({ not: { any: [{ field: 'traits.plan', op: 'eq', value: 'free' }, { field: 'commerce.orders', op: 'lt', value: 1 }] } });
  });
});
