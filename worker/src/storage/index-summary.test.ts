import { describe, expect, it } from 'vitest';
import { indexSummary } from './index-summary';

describe('indexSummary', () => {
  it('reads the list columns from a rendered portrait', () => {
    const s = indexSummary({
      identity: { userId: 'u1', anonymousIds: ['a1', 'a2'], emails: ['old@x.example', 'New@X.example'] },
      traits: { all: { firstName: { value: 'Ada' }, lastName: { value: 'Lovelace' }, plan: { value: 'pro' }, vip: { value: true }, address: { value: { country: 'GB' } } } },
      commerce: { orders: 3, revenue: 120.5, lastOrderAt: '2026-01-20T00:00:00.000Z' },
      rfm: { segment: 'Champions' },
      behavior: { firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-02-01T00:00:00.000Z' },
      now: { location: { country: 'FR' } },
    });
    expect(s).toEqual({
      userId: 'u1', anonymousIds: ['a1', 'a2'], name: 'Ada Lovelace', email: 'new@x.example', orders: 3, revenue: 120.5,
      lastOrderAt: Date.parse('2026-01-20T00:00:00.000Z'),
      rfmSegment: 'Champions', country: 'GB', firstSeen: Date.parse('2026-01-01T00:00:00.000Z'), lastSeen: Date.parse('2026-02-01T00:00:00.000Z'),
      traits: { firstName: 'Ada', lastName: 'Lovelace', plan: 'pro', vip: true },
    });
  });

  it('prefers the email trait, falls back to geo for the country, and leaves what is missing empty', () => {
    const s = indexSummary({ identity: { emails: [] }, traits: { all: { email: { value: ' Bob@Y.example ' }, name: { value: 'Bob' } } }, now: { location: { country: 'DE' } } });
    expect(s).toMatchObject({ email: 'bob@y.example', name: 'Bob', country: 'DE', orders: 0, revenue: 0, lastOrderAt: null, rfmSegment: null, userId: null, lastSeen: null });
    expect(indexSummary(null)).toMatchObject({ name: null, email: null, orders: 0, anonymousIds: [], traits: {} });
  });

  it('keeps only scalar traits, bounded', () => {
    const all: Record<string, { value: unknown }> = { nested: { value: { a: 1 } }, list: { value: [1] }, nan: { value: Number.NaN } };
    for (let i = 0; i < 80; i++) all[`t${i}`] = { value: 'x'.repeat(500) };
    const s = indexSummary({ traits: { all } });
    expect(Object.keys(s.traits)).toHaveLength(50);
    expect(s.traits.t0).toHaveLength(200);
    expect(s.traits.nested).toBeUndefined();
  });
});
