import { describe, expect, it } from 'vitest';
import { createProfileState, type ProfileState } from '../profiles/profile-state';
import { applyEvent } from '../profiles/apply-event';
import { renderPortrait } from '../profiles/render-portrait';
import { identify, track } from '../profiles/test-events';
import { backfillSegment, updateMemberships } from './segment-membership';
import type { SegmentDefinition } from './segment-rule';

const repeat: SegmentDefinition = { id: 'repeat', name: 'Repeat buyers', rule: { event: 'Order Completed', op: 'gte', value: 2, withinDays: 30 } };
const french: SegmentDefinition = { id: 'fr', name: 'France', rule: { field: 'traits.address.country', op: 'eq', value: 'FR' } };

/** What a profile object does after each stored event: apply, render, update memberships, keep the audience events. */
function ingest(state: ProfileState, event: Parameters<typeof applyEvent>[1], segments: SegmentDefinition[], now: string, timeline: unknown[]) {
  applyEvent(state, event);
  const change = updateMemberships(renderPortrait(state, { now }), segments, now);
  state.segments = change.memberships;
  for (const e of change.events) {
    timeline.push(e);
    applyEvent(state, e);
  }
  return change;
}

describe('segment membership in real time', () => {
  it('enters when the second order arrives and exits when the window passes or the trait changes', () => {
    const s = createProfileState('user_id:u1');
    const timeline: Array<{ event?: string; properties?: Record<string, unknown>; messageId?: string; userId?: string }> = [];
    const segs = [repeat, french];
    let c = ingest(s, identify({ address: { country: 'FR' } }, '2026-11-01T00:00:00Z'), segs, '2026-11-01T00:00:01Z', timeline);
    expect(c.entered).toEqual(['fr']);
    c = ingest(s, track('Order Completed', { order_id: '1' }, '2026-11-02T00:00:00Z'), segs, '2026-11-02T00:00:01Z', timeline);
    expect(c.entered).toEqual([]);
    c = ingest(s, track('Order Completed', { order_id: '2' }, '2026-11-05T00:00:00Z'), segs, '2026-11-05T00:00:01Z', timeline);
    expect(c.entered).toEqual(['repeat']);
    expect(s.segments.repeat.since).toBe('2026-11-05T00:00:01.000Z');
    // A later evaluation (the profile's next event, or a scheduled re-check) after the window: exits.
    c = ingest(s, identify({ address: { country: 'DE' } }, '2026-12-10T00:00:00Z'), segs, '2026-12-10T00:00:01Z', timeline);
    expect(c.exited.sort()).toEqual(['fr', 'repeat']);
    expect(s.segments).toEqual({});
    expect(timeline.map((e) => `${e.event} ${e.properties?.audience_id}`)).toEqual([
      'Audience Entered fr', 'Audience Entered repeat', 'Audience Exited repeat', 'Audience Exited fr',
    ]);
    expect(timeline.every((e) => e.userId === 'u1' && typeof e.messageId === 'string')).toBe(true);
    // The audience events are counted like any other event, so rules can use them.
    expect(renderPortrait(s, { now: '2026-12-10T00:00:02Z' }).events['Audience Entered'].total).toBe(2);
  });

  it('keeps membership (and its since) while the rule still matches, and exits segments that were deleted', () => {
    const s = createProfileState('p');
    const timeline: unknown[] = [];
    ingest(s, identify({ address: { country: 'FR' } }, '2026-11-01T00:00:00Z'), [french], '2026-11-01T00:00:01Z', timeline);
    const c = ingest(s, identify({ name: 'Ada' }, '2026-11-02T00:00:00Z'), [french], '2026-11-02T00:00:01Z', timeline);
    expect(c).toMatchObject({ entered: [], exited: [], events: [] });
    expect(s.segments.fr.since).toBe('2026-11-01T00:00:01.000Z');
    const gone = updateMemberships(renderPortrait(s, { now: '2026-11-03T00:00:00Z' }), [], '2026-11-03T00:00:00Z');
    expect(gone.exited).toEqual(['fr']);
    expect(gone.events[0]).toMatchObject({ event: 'Audience Exited', properties: { audience_id: 'fr' } });
  });
});

describe('backfill', () => {
  it('evaluates a newly saved segment over existing portraits', () => {
    const portraits = ['FR', 'DE', 'FR', 'ES'].map((country, i) => {
      const s = createProfileState(`p${i}`);
      applyEvent(s, identify({ address: { country } }, '2026-11-01T00:00:00Z', { userId: `u${i}` }));
      return renderPortrait(s, { now: '2026-11-02T00:00:00Z' });
    });
    const r = backfillSegment(french, portraits, '2026-11-02T00:00:00Z');
    expect(r.members).toBe(2);
    expect(r.changes.map((c) => [c.profileId, c.entered, c.event.event, c.event.userId])).toEqual([
      ['p0', true, 'Audience Entered', 'u0'], ['p2', true, 'Audience Entered', 'u2'],
    ]);
    // Re-running the backfill after the changes were applied changes nothing.
    for (const p of portraits) if (r.changes.some((c) => c.profileId === p.id)) p.segments.fr = { since: '2026-11-02T00:00:00.000Z' };
    expect(backfillSegment(french, portraits, '2026-11-02T00:00:00Z').changes).toEqual([]);
    // An edited rule backfills exits too.
    const edited = { ...french, rule: { field: 'traits.address.country', op: 'eq', value: 'ES' } } as SegmentDefinition;
    const again = backfillSegment(edited, portraits, '2026-11-03T00:00:00Z');
    expect(again.changes.map((c) => [c.profileId, c.entered])).toEqual([['p0', false], ['p2', false], ['p3', true]]);
  });
});
