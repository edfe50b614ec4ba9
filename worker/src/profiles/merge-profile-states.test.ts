import { describe, expect, it } from 'vitest';
import { createProfileState } from './profile-state';
import { applyEvent } from './apply-event';
import { renderPortrait } from './render-portrait';
import { mergeProfileStates } from './merge-profile-states';
import { identify, page, track } from './test-events';

const NOW = '2026-11-29T12:00:00.000Z';

describe('mergeProfileStates', () => {
  it('gives the same portrait as applying every event to one state, and logs the merge', () => {
    const anonEvents = [
      page('/tea', '2026-11-01T08:00:00Z', { session: { id: 's1', count: 1 }, campaign: { source: 'fb', medium: 'social' } }, { anonymousId: 'a1' }),
      track('Product Viewed', { product_id: 'p1', category: 'Tea' }, '2026-11-01T08:01:00Z', { userId: undefined, anonymousId: 'a1', context: { session: { id: 's1', count: 1 } } }),
      track('Product Added', { product_id: 'p1', category: 'Tea', price: 4 }, '2026-11-01T08:02:00Z', { userId: undefined, anonymousId: 'a1', context: { session: { id: 's1', count: 1 } } }),
      identify({ email: 'old@example.com' }, '2026-11-01T08:03:00Z', { userId: undefined, anonymousId: 'a1' }),
    ];
    const userEvents = [
      identify({ email: 'ada@example.com', name: 'Ada' }, '2026-11-02T08:00:00Z', { anonymousId: 'a1' }),
      track('Order Completed', { order_id: 'o1', revenue: 20, products: [{ product_id: 'p1', category: 'Tea' }] }, '2026-11-02T08:05:00Z', { context: { session: { id: 's2', count: 2 } } }),
    ];
    const anon = createProfileState('anonymous_id:a1');
    for (const e of anonEvents) applyEvent(anon, e);
    const user = createProfileState('user_id:u1');
    for (const e of userEvents) applyEvent(user, e);
    const merged = mergeProfileStates(user, anon, { at: '2026-11-02T08:00:01.000Z', reason: 'identify joined a1 to u1' });

    const one = createProfileState('user_id:u1');
    for (const e of [...userEvents, ...anonEvents]) applyEvent(one, e);

    const a = renderPortrait(merged, { now: NOW });
    const b = renderPortrait(one, { now: NOW });
    const { identity: ia, ...restA } = a;
    const { identity: ib, ...restB } = b;
    expect(restA).toEqual(restB);
    expect(ia.anonymousIds).toEqual(['a1']);
    expect(ia.userId).toBe('u1');
    expect(ia.emails.sort()).toEqual(ib.emails.sort());
    expect(ia.mergeLog).toEqual([{ at: '2026-11-02T08:00:01.000Z', from: 'anonymous_id:a1', anonymousIds: ['a1'], userId: null, reason: 'identify joined a1 to u1' }]);
    expect(a.traits.all.email.value).toBe('ada@example.com');
    expect(a.channels.firstTouch?.channel).toBe('social');
    // The inputs are left as they were.
    expect(user.identity.mergeLog).toEqual([]);
  });
});
