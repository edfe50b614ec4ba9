import { describe, expect, it } from 'vitest';
import { applyStoredEvent, emptyPortrait, viewPortrait } from './portrait-model';

describe('portrait model at the profile store seam', () => {
  it('applies stored events by orderAt and renders the sections with the profile id', () => {
    let s = emptyPortrait();
    s = applyStoredEvent(s, { event: { type: 'identify', messageId: 'a', userId: 'u1', traits: { email: 'a@b.co' }, timestamp: '2026-11-01T00:00:00Z', receivedAt: '2026-11-01T00:00:01Z', context: {} }, orderAt: Date.parse('2026-11-01T00:00:00Z') });
    s = applyStoredEvent(JSON.parse(JSON.stringify(s)), { event: { type: 'track', event: 'Order Completed', messageId: 'b', userId: 'u1', properties: { order_id: '1', revenue: 12 }, timestamp: '2026-11-02T00:00:00Z', receivedAt: '2026-11-02T00:00:01Z', context: {} }, orderAt: Date.parse('2026-11-02T00:00:00Z') });
    const p = viewPortrait(s, { now: '2026-11-03T00:00:00Z', profileId: 'abc' });
    expect(p.id).toBe('abc');
    expect(p.identity).toMatchObject({ profileId: 'abc', userId: 'u1', emails: ['a@b.co'] });
    expect(p.commerce).toMatchObject({ orders: 1, revenue: 12 });
    expect(p.rfm.recencyDays).toBe(1);
    expect(Object.keys(p)).toEqual(['id', 'generatedAt', 'identity', 'traits', 'interests', 'commerce', 'rfm', 'behavior', 'channels', 'now', 'consent', 'segments', 'computed', 'predictions', 'events']);
  });

  it('replaces a state of another model (the collector\'s base counters) instead of failing', () => {
    const old = { anonymousIds: [], traits: {}, counts: { events: 3 } };
    const s = applyStoredEvent(old, { event: { type: 'page', messageId: 'c', anonymousId: 'x', timestamp: '2026-11-01T00:00:00Z', context: {} }, orderAt: Date.parse('2026-11-01T00:00:00Z') });
    expect(s.behavior.pageViews).toBe(1);
    expect(viewPortrait(old, { now: '2026-11-03T00:00:00Z' }).commerce.orders).toBe(0);
  });
});
