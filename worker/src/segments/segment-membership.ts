/**
 * Segment membership over time: which segments a profile enters or leaves when its
 * portrait changes (real time, after each event) or when a segment is saved (backfill
 * over existing portraits), with the `Audience Entered` / `Audience Exited` events to
 * write to the profile's timeline.
 */
import type { TrackEvent } from '@portrait/protocol';
import type { Portrait } from '../profiles/render-portrait';
import type { SegmentDefinition } from './segment-rule';
import { evaluate } from './evaluate';

export type Memberships = Record<string, { since: string }>;

export interface MembershipChange {
  memberships: Memberships;
  entered: string[];
  exited: string[];
  /** Audience Entered / Exited events, ready to store on the profile's timeline. */
  events: TrackEvent[];
}

function audienceEvent(kind: 'Entered' | 'Exited', segment: SegmentDefinition | { id: string; name?: string }, portrait: Portrait, at: string): TrackEvent {
  const e: TrackEvent = {
    type: 'track',
    event: `Audience ${kind}`,
    // Deterministic: re-running the same evaluation yields the same ids, which the store dedupes.
    messageId: `audience:${kind === 'Entered' ? 'in' : 'out'}:${segment.id}:${portrait.id ?? portrait.identity.userId ?? ''}:${at}`.slice(0, 100),
    timestamp: at,
    properties: { audience_id: segment.id, audience_name: segment.name ?? segment.id, audience_key: segment.id },
  };
  if (portrait.identity.userId) e.userId = portrait.identity.userId;
  else if (portrait.identity.anonymousIds[0]) e.anonymousId = portrait.identity.anonymousIds[0];
  return e;
}

/**
 * Evaluates every segment against the portrait and compares with its current memberships
 * (`portrait.segments`). Segments no longer defined are left (and exited).
 */
export function updateMemberships(portrait: Portrait, segments: SegmentDefinition[], now: number | string | Date): MembershipChange {
  const at = new Date(now).toISOString();
  const current = portrait.segments;
  const memberships: Memberships = {};
  const entered: string[] = [];
  const exited: string[] = [];
  const events: TrackEvent[] = [];
  const defined = new Set<string>();
  for (const s of segments) {
    defined.add(s.id);
    const was = Object.hasOwn(current, s.id);
    const is = evaluate(s.rule, portrait, at);
    if (is) memberships[s.id] = was ? { ...current[s.id] } : { since: at };
    if (is && !was) {
      entered.push(s.id);
      events.push(audienceEvent('Entered', s, portrait, at));
    } else if (!is && was) {
      exited.push(s.id);
      events.push(audienceEvent('Exited', s, portrait, at));
    }
  }
  for (const id of Object.keys(current)) {
    if (defined.has(id)) continue;
    exited.push(id);
    events.push(audienceEvent('Exited', { id }, portrait, at));
  }
  return { memberships, entered, exited, events };
}

export interface BackfillResult {
  segmentId: string;
  members: number;
  /** Per profile whose membership changed: the change to apply to its state and timeline. */
  changes: Array<{ profileId: string | null; entered: boolean; event: TrackEvent }>;
}

/** Evaluates one (new or edited) segment over existing portraits, e.g. when a rule is saved. */
export function backfillSegment(segment: SegmentDefinition, portraits: Iterable<Portrait>, now: number | string | Date): BackfillResult {
  const at = new Date(now).toISOString();
  let members = 0;
  const changes: BackfillResult['changes'] = [];
  for (const p of portraits) {
    const is = evaluate(segment.rule, p, at);
    const was = Object.hasOwn(p.segments, segment.id);
    if (is) members++;
    if (is !== was) changes.push({ profileId: p.id, entered: is, event: audienceEvent(is ? 'Entered' : 'Exited', segment, p, at) });
  }
  return { segmentId: segment.id, members, changes };
}
