import type { StoredEvent } from './ingest-types';

/**
 * The collector's base counters for one profile, kept incrementally as events are
 * stored. The full portrait model (interests, commerce, RFM, ...) plugs in at the same
 * seam (storage/portrait-seam.ts) with the same two functions.
 */
export interface BasePortrait {
  userId?: string;
  /** Anonymous ids seen on this profile's events, oldest first (at most 50). */
  anonymousIds: string[];
  /** Latest value of each identify trait, and when it was set (epoch ms). */
  traits: Record<string, unknown>;
  traitsAt: Record<string, number>;
  groups: string[];
  counts: { events: number; track: number; page: number; screen: number; identify: number; group: number; alias: number };
  /** Per event name (track) counts, the 100 most frequent kept. */
  eventNames: Record<string, number>;
  firstSeen?: string;
  lastSeen?: string;
  /** Context of the most recent event: where and on what. */
  last?: { location?: unknown; browser?: unknown; os?: unknown; device?: unknown; page?: unknown };
  /** The browser sent Global Privacy Control: opted out of sale/sharing. */
  gpc: boolean;
}

/** What the seam hands to the portrait for every stored event. */
export interface PortraitInput {
  event: StoredEvent;
  /** Epoch ms ordering the event (receive time for implausible device clocks). */
  orderAt: number;
}

export function emptyPortrait(): BasePortrait {
  return {
    anonymousIds: [],
    traits: {},
    traitsAt: {},
    groups: [],
    counts: { events: 0, track: 0, page: 0, screen: 0, identify: 0, group: 0, alias: 0 },
    eventNames: {},
    gpc: false,
  };
}

/**
 * Folds one stored event into the portrait. Order-independent where it matters: first
 * and last seen are min/max of `orderAt`, each trait keeps its latest value by `orderAt`,
 * so late or replayed events never roll state back.
 *
 * @example
 * let p = emptyPortrait();
 * p = applyEvent(p, { event, orderAt: Date.parse(event.timestamp) });
 */
export function applyEvent(p: BasePortrait, input: PortraitInput): BasePortrait {
  const { event, orderAt } = input;
  p.counts.events++;
  p.counts[event.type]++;
  if (event.userId && event.type !== 'alias') p.userId ??= event.userId;
  if (event.type === 'identify' && event.userId) p.userId = event.userId;
  if (event.type === 'alias' && event.userId) p.userId = event.userId;
  if (event.anonymousId && !p.anonymousIds.includes(event.anonymousId) && p.anonymousIds.length < 50) {
    p.anonymousIds.push(event.anonymousId);
  }
  if (event.type === 'track' && event.event) {
    p.eventNames[event.event] = (p.eventNames[event.event] ?? 0) + 1;
    const names = Object.keys(p.eventNames);
    if (names.length > 100) {
      const least = names.reduce((a, b) => (p.eventNames[a] <= p.eventNames[b] ? a : b));
      delete p.eventNames[least];
    }
  }
  if (event.type === 'identify' && event.traits) {
    for (const [k, v] of Object.entries(event.traits)) {
      if ((p.traitsAt[k] ?? -Infinity) <= orderAt) {
        p.traits[k] = v;
        p.traitsAt[k] = orderAt;
      }
    }
  }
  if (event.type === 'group' && event.groupId && !p.groups.includes(event.groupId) && p.groups.length < 100) {
    p.groups.push(event.groupId);
  }
  const iso = new Date(orderAt).toISOString();
  if (!p.firstSeen || iso < p.firstSeen) p.firstSeen = iso;
  if (!p.lastSeen || iso >= p.lastSeen) {
    p.lastSeen = iso;
    const c = event.context;
    p.last = { location: c.location, browser: c.browser, os: c.os, device: c.device, page: c.page };
  }
  if (event.context.gpc === true) p.gpc = true;
  return p;
}
