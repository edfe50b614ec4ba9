import { describe, expect, it } from 'vitest';
import type { Campaign } from './campaign-types';
import { decide, type DecideInput, inHoldout } from './decide';
import { seededRandom } from './random';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function campaign(patch: Partial<Campaign> = {}): Campaign {
  return {
    id: 'c1', name: 'C1', slot: 'hero', audience: { everyone: true },
    variants: [{ id: 'a', name: 'A', content: { headline: 'Hi {{traits.firstName | default: "there"}}', cta: { label: 'Shop', url: '/sale' } } }],
    holdout: 0, goal: { event: 'Order Completed', windowHours: 168 }, startAt: null, endAt: null,
    priority: 0, frequencyCap: null, status: 'active', createdAt: '', updatedAt: '', ...patch,
  };
}

function run(patch: Partial<DecideInput>) {
  return decide({
    tenant: 't1', visitorId: 'anon-1', slots: ['hero'], campaigns: [campaign()], now: NOW,
    inAudience: () => true, data: { traits: { firstName: 'Ada' } }, random: seededRandom(1), ...patch,
  });
}

describe('decide', () => {
  it('returns the variant with its templates resolved to text', () => {
    const r = run({});
    expect(r.slots.hero).toEqual({ campaign: 'c1', variant: 'a', holdout: false, content: { headline: 'Hi Ada', cta: { label: 'Shop', url: '/sale' } } });
    expect(r.newAssignments).toEqual([{ campaign: 'c1', arm: 'a' }]);
  });

  it('keeps a markup trait as text in the resolved content', () => {
    const r = run({ data: { traits: { firstName: '<img src=x onerror=alert(1)>' } } });
    expect(r.slots.hero && !r.slots.hero.holdout && r.slots.hero.content.headline).toBe('Hi <img src=x onerror=alert(1)>');
  });

  it('answers null for slots without a live campaign, and for unknown slots', () => {
    expect(run({ slots: ['hero', 'footer'] }).slots).toMatchObject({ footer: null });
    expect(run({ campaigns: [campaign({ status: 'paused' })] }).slots.hero).toBeNull();
    expect(run({ campaigns: [campaign({ startAt: '2026-12-02T00:00:00Z' })] }).slots.hero).toBeNull();
    expect(run({ campaigns: [campaign({ endAt: '2026-12-01T12:00:00Z' })] }).slots.hero).toBeNull();
    expect(run({ inAudience: () => false }).slots.hero).toBeNull();
  });

  it('keeps a slot named "__proto__" a plain key', () => {
    const r = run({ slots: ['__proto__', 'hero'] });
    expect(Object.getPrototypeOf(r.slots)).toBe(Object.prototype);
    expect(Object.keys(r.slots)).toEqual(['__proto__', 'hero']);
    expect(r.slots.hero?.campaign).toBe('c1');
  });

  it('lets the higher priority campaign take the slot and falls through when it is not eligible', () => {
    const low = campaign({ id: 'low', priority: 1 });
    const high = campaign({ id: 'high', priority: 5, audience: { segment: 'vip' } });
    expect(run({ campaigns: [low, high] }).slots.hero?.campaign).toBe('high');
    const r = run({ campaigns: [low, high], inAudience: (a) => !('segment' in a) });
    expect(r.slots.hero?.campaign).toBe('low');
  });

  it('respects the per-visitor frequency cap over its period', () => {
    const capped = campaign({ frequencyCap: { impressions: 2, periodHours: 24 } });
    const hour = 3_600_000;
    expect(run({ campaigns: [capped], history: { impressions: { c1: [NOW - hour, NOW - 2 * hour] } } }).slots.hero).toBeNull();
    expect(run({ campaigns: [capped], history: { impressions: { c1: [NOW - hour, NOW - 30 * hour] } } }).slots.hero?.campaign).toBe('c1');
  });

  it('keeps the holdout sticky per visitor and campaign, close to the configured share', () => {
    const c = campaign({ holdout: 0.1 });
    let held = 0;
    for (let i = 0; i < 20000; i++) {
      const visitor = `anon-${i}`;
      const first = inHoldout('t1', c, visitor);
      expect(inHoldout('t1', c, visitor)).toBe(first);
      if (first) held++;
    }
    expect(held / 20000).toBeGreaterThan(0.09);
    expect(held / 20000).toBeLessThan(0.11);
    // A different campaign draws an independent holdout.
    let both = 0;
    for (let i = 0; i < 20000; i++) if (inHoldout('t1', c, `anon-${i}`) && inHoldout('t1', { id: 'c2', holdout: 0.1 }, `anon-${i}`)) both++;
    expect(both / 20000).toBeLessThan(0.02);
  });

  it('answers holdout without content and records the holdout assignment', () => {
    const c = campaign({ holdout: 0.5 });
    let visitor = 0;
    while (!inHoldout('t1', c, `v${visitor}`)) visitor++;
    const r = run({ campaigns: [c], visitorId: `v${visitor}` });
    expect(r.slots.hero).toEqual({ campaign: 'c1', variant: null, holdout: true });
    expect(r.newAssignments).toEqual([{ campaign: 'c1', arm: 'holdout' }]);
    expect(run({ campaigns: [c], visitorId: `v${visitor}`, history: { assignments: { c1: 'holdout' } } }).newAssignments).toEqual([]);
  });

  it('keeps a returning visitor on the variant first given', () => {
    const c = campaign({ variants: [{ id: 'a', name: 'A', content: { headline: 'A' } }, { id: 'b', name: 'B', content: { headline: 'B' } }] });
    const stats = { c1: { a: { impressions: 10000, conversions: 1000 }, b: { impressions: 10000, conversions: 10 } } };
    const r = run({ campaigns: [c], stats, history: { assignments: { c1: 'b' } } });
    expect(r.slots.hero?.variant).toBe('b');
    expect(r.newAssignments).toEqual([]);
  });

  it('reassigns a visitor whose variant was removed, naming the arm it replaces', () => {
    const r = run({ history: { assignments: { c1: 'gone' } } });
    expect(r.slots.hero?.variant).toBe('a');
    expect(r.newAssignments).toEqual([{ campaign: 'c1', arm: 'a', replaces: 'gone' }]);
  });

  it('sends new visitors to the variant that converts clearly better', () => {
    const c = campaign({ variants: [{ id: 'a', name: 'A', content: { headline: 'A' } }, { id: 'b', name: 'B', content: { headline: 'B' } }] });
    const stats = { c1: { a: { impressions: 2000, conversions: 40 }, b: { impressions: 2000, conversions: 120 } } };
    const random = seededRandom(3);
    let b = 0;
    for (let i = 0; i < 500; i++) if (run({ campaigns: [c], stats, random, visitorId: `n${i}` }).slots.hero?.variant === 'b') b++;
    expect(b).toBeGreaterThan(490);
  });

  it('explores evenly with no data', () => {
    const c = campaign({ variants: ['a', 'b', 'c'].map((id) => ({ id, name: id, content: { headline: id } })) });
    const random = seededRandom(11);
    const seen: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) seen[run({ campaigns: [c], random, visitorId: `n${i}` }).slots.hero!.variant!]++;
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(850);
  });
});
