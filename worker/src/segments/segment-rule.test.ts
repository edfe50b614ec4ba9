import { describe, expect, it } from 'vitest';
import { validateSegmentDefinition, validateSegmentRule } from './segment-rule';

describe('validateSegmentRule', () => {
  it('accepts every operator with a well-formed value', () => {
    const rule = {
      all: [
        { field: 'traits.plan', op: 'eq', value: 'pro' }, { field: 'traits.plan', op: 'neq', value: null },
        { field: 'commerce.revenue', op: 'gt', value: 1 }, { field: 'commerce.revenue', op: 'gte', value: 1 },
        { field: 'commerce.lastOrderAt', op: 'lt', value: '2026-01-01' }, { field: 'traits.age', op: 'lte', value: 3 },
        { field: 'traits.email', op: 'contains', value: '@' }, { field: 'traits.email', op: 'starts_with', value: 'a' },
        { field: 'traits.email', op: 'exists' }, { field: 'traits.country', op: 'in', value: ['FR', 'DE'] },
        { field: 'traits.age', op: 'between', value: [18, 30] }, { field: 'behavior.lastSeen', op: 'within_last_days', value: 7 },
        { any: [{ event: 'Order Completed', op: 'gte', value: 2, withinDays: 30 }, { not: { event: 'Signed Up' } }] },
      ],
    };
    expect(validateSegmentRule(rule)).toEqual([]);
  });

  it('names the path of each problem', () => {
    expect(validateSegmentRule({ all: [{ field: 'traits.a', op: 'eq', value: 1 }, { field: 'traits.b', op: 'like', value: 'x' }] }))
      .toEqual([{ path: 'all[1].op', message: expect.stringContaining('op must be one of eq, neq') }]);
    expect(validateSegmentRule({ any: [{ not: { field: 'x', op: 'in', value: [] } }] }))
      .toEqual([{ path: 'any[0].not.value', message: expect.stringContaining('in needs a non-empty list') }]);
    expect(validateSegmentRule({ field: 'a', op: 'between', value: [1] })).toEqual([{ path: 'value', message: expect.stringContaining('between needs [low, high]') }]);
    expect(validateSegmentRule({ event: 'Order Completed', op: 'contains', value: 2 })).toEqual([{ path: 'op', message: expect.stringContaining('op of an event condition') }]);
    expect(validateSegmentRule({ event: 'X', withinDays: 0 })).toEqual([{ path: 'withinDays', message: expect.stringContaining('withinDays') }]);
    expect(validateSegmentRule({ field: '__proto__.x', op: 'exists' })).toEqual([{ path: 'field', message: expect.stringContaining('dot path') }]);
    expect(validateSegmentRule({ all: [] })).toEqual([{ path: 'all', message: 'all needs a non-empty list of rules' }]);
    expect(validateSegmentRule({ field: 'a', event: 'b' })[0].message).toContain('not several');
    expect(validateSegmentRule('everyone')).toEqual([{ path: '(root)', message: expect.stringContaining('expected an object') }]);
    expect(validateSegmentRule({ field: 'a', op: 'eq', value: 1, extra: true })).toEqual([{ path: 'extra', message: expect.stringContaining('unknown key extra') }]);
  });

  it('bounds depth and size', () => {
    let deep: unknown = { field: 'a', op: 'exists' };
    for (let i = 0; i < 20; i++) deep = { not: deep };
    expect(validateSegmentRule(deep)[0].message).toContain('levels deep');
    const wide = { any: Array.from({ length: 300 }, () => ({ field: 'a', op: 'exists' })) };
    expect(validateSegmentRule(wide)[0].message).toContain('at most 200 parts');
  });

  it('validates whole definitions with rule paths', () => {
    expect(validateSegmentDefinition({ id: 'vip', name: 'VIP', rule: { field: 'commerce.revenue', op: 'gte', value: 500 } })).toEqual([]);
    expect(validateSegmentDefinition({ id: 'no spaces', name: '', rule: { all: [{ field: 'x', op: 'gt' }] } })).toEqual([
      { path: 'id', message: expect.any(String) },
      { path: 'name', message: expect.any(String) },
      { path: 'rule.all[0].value', message: expect.stringContaining('gt needs a number') },
    ]);
  });
});
