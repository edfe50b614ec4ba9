/**
 * Identity merge: folds an anonymous profile's state into the user's, as if every event
 * of both had been applied to one state. Each event must have been applied to exactly
 * one of the two (the collector moves history, it does not copy it). Returns a new state;
 * the inputs are left untouched.
 */
import type { Affinity, ProfileState, SessionEntry } from './profile-state';
import { addUnique } from './apply-traits';
import { DAY_MS } from './event-time';

const clone = <T>(x: T): T => structuredClone(x);

function mergeCounts(into: Record<string, number>, from: Record<string, number>, max = 200): void {
  for (const [k, v] of Object.entries(from)) {
    if (Object.hasOwn(into, k)) into[k] += v;
    else if (Object.keys(into).length < max) into[k] = v;
  }
}

function mergeAffinities(into: Record<string, Affinity>, from: Record<string, Affinity>, halfLifeDays: number): void {
  for (const [k, a] of Object.entries(from)) {
    const b = Object.hasOwn(into, k) ? into[k] : undefined;
    if (!b) {
      into[k] = { ...a };
      continue;
    }
    const t = Math.max(a.at, b.at);
    const decay = (x: Affinity) => x.score * Math.pow(2, -(t - x.at) / (halfLifeDays * DAY_MS));
    into[k] = { score: decay(a) + decay(b), at: t, signals: a.signals + b.signals, ...(b.name || a.name ? { name: (a.at > b.at ? a.name : b.name) ?? a.name ?? b.name } : {}) };
  }
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const latest = <T extends { at: number }>(a: T | null, b: T | null): T | null => (!a ? b : !b ? a : b.at > a.at ? b : a);

export interface MergeOptions {
  /** When the merge happened (ISO), default now. */
  at?: string;
  /** Why: e.g. `identify joined anonymousId to userId`. */
  reason?: string;
  /** Interest half-life, to combine scores measured at different times. */
  interestHalfLifeDays?: number;
}

export function mergeProfileStates(userState: ProfileState, anonState: ProfileState, options: MergeOptions = {}): ProfileState {
  const out = clone(userState);
  const anon = anonState;

  // Identity.
  const id = out.identity;
  if (!id.userId && anon.identity.userId) {
    id.userId = anon.identity.userId;
    id.userIdAt = anon.identity.userIdAt;
  }
  for (const a of anon.identity.anonymousIds) addUnique(id.anonymousIds, a);
  for (const e of anon.identity.emails) addUnique(id.emails, e);
  for (const a of anon.identity.aliases) addUnique(id.aliases, a);
  for (const x of anon.identity.externalIds) if (!id.externalIds.some((e) => e.type === x.type && e.id === x.id)) id.externalIds.push({ ...x });
  for (const [g, v] of Object.entries(anon.identity.groups)) if (!Object.hasOwn(id.groups, g) || id.groups[g].at < v.at) id.groups[g] = clone(v);
  id.mergeLog.push(...clone(anon.identity.mergeLog));
  id.mergeLog.push({
    at: options.at ?? new Date().toISOString(),
    from: anon.identity.profileId,
    anonymousIds: [...anon.identity.anonymousIds],
    userId: anon.identity.userId,
    reason: options.reason ?? 'identify joined an anonymous profile to this user',
  });

  // Traits: newest value wins, first/last seen span both.
  for (const [k, t] of Object.entries(anon.traits)) {
    const u = Object.hasOwn(out.traits, k) ? out.traits[k] : undefined;
    if (!u) out.traits[k] = clone(t);
    else {
      const firstSeen = Math.min(u.firstSeen, t.firstSeen);
      const lastSeen = Math.max(u.lastSeen, t.lastSeen);
      if (t.at > u.at) out.traits[k] = { ...clone(t), firstSeen, lastSeen };
      else Object.assign(u, { firstSeen, lastSeen });
    }
  }

  // Interests.
  const h = options.interestHalfLifeDays ?? 30;
  mergeAffinities(out.interests.category, anon.interests.category, h);
  mergeAffinities(out.interests.brand, anon.interests.brand, h);
  mergeAffinities(out.interests.product, anon.interests.product, h);

  // Commerce: ledgers are keyed by order id, so a union is the combined history.
  const c = out.commerce;
  for (const [k, o] of Object.entries(anon.commerce.orders)) if (!Object.hasOwn(c.orders, k) || c.orders[k].at < o.at) c.orders[k] = clone(o);
  for (const [k, x] of Object.entries(anon.commerce.cancellations)) {
    const mine = Object.hasOwn(c.cancellations, k) ? c.cancellations[k] : undefined;
    if (!mine) c.cancellations[k] = clone(x);
    else {
      mine.amount = mine.amount === null || x.amount === null ? null : mine.amount + x.amount;
      mine.at = Math.max(mine.at, x.at);
    }
  }
  const ar = anon.commerce.archived;
  if (ar.orders) {
    c.archived.orders += ar.orders;
    mergeCounts(c.archived.byCurrency, ar.byCurrency);
    c.archived.firstAt = minOf(c.archived.firstAt, ar.firstAt);
    c.archived.lastAt = maxOf(c.archived.lastAt, ar.lastAt);
  }
  // The most recently touched cart is the visitor's cart.
  if (anon.commerce.cart.updatedAt > c.cart.updatedAt && anon.commerce.cart.updatedAt >= c.cart.clearedAt) c.cart = { ...clone(anon.commerce.cart), clearedAt: Math.max(c.cart.clearedAt, anon.commerce.cart.clearedAt) };
  else c.cart.clearedAt = Math.max(c.cart.clearedAt, anon.commerce.cart.clearedAt);

  // Behaviour.
  const b = out.behavior;
  const ab = anon.behavior;
  for (const [k, s] of Object.entries(ab.sessions)) {
    const mine: SessionEntry | undefined = Object.hasOwn(b.sessions, k) ? b.sessions[k] : undefined;
    if (!mine) b.sessions[k] = clone(s);
    else {
      if (s.channelAt < mine.channelAt) Object.assign(mine, { channel: s.channel, channelAt: s.channelAt, landingPath: s.landingPath ?? mine.landingPath });
      mine.start = Math.min(mine.start, s.start);
      mine.end = Math.max(mine.end, s.end);
      mine.events += s.events;
      mine.pageViews += s.pageViews;
      mine.engagedMs += s.engagedMs;
    }
  }
  b.archived.count += ab.archived.count;
  b.archived.durationMs += ab.archived.durationMs;
  mergeCounts(b.archived.channels, ab.archived.channels);
  b.pageViews += ab.pageViews;
  b.engagedMs += ab.engagedMs;
  b.eventsTotal += ab.eventsTotal;
  mergeCounts((b.eventTypes ??= {}), ab.eventTypes ?? {});
  b.firstSeen = minOf(b.firstSeen, ab.firstSeen);
  b.lastSeen = maxOf(b.lastSeen, ab.lastSeen);
  b.activeDays = [...new Set([...b.activeDays, ...ab.activeDays])].sort((x, y) => x - y).slice(-3660);
  mergeCounts(b.paths, ab.paths);
  mergeCounts(b.devices, ab.devices, 100);
  mergeCounts(b.browsers, ab.browsers, 100);
  mergeCounts(b.os, ab.os, 100);
  for (let i = 0; i < 24; i++) b.hours[i] += ab.hours[i] ?? 0;
  for (let i = 0; i < 7; i++) b.weekdays[i] += ab.weekdays[i] ?? 0;

  // Channels: first touch is the earliest of both; last touch prefers non-direct, then latest.
  const ch = out.channels;
  const at = anon.channels;
  if (at.firstTouch && (!ch.firstTouch || at.firstTouch.at < ch.firstTouch.at)) ch.firstTouch = clone(at.firstTouch);
  if (at.lastTouch) {
    const rank = (t: { channel: string }) => (t.channel === 'direct' ? 0 : 1);
    const l = ch.lastTouch;
    if (!l || rank(at.lastTouch) > rank(l) || (rank(at.lastTouch) === rank(l) && at.lastTouch.at > l.at)) ch.lastTouch = clone(at.lastTouch);
  }

  // Now and consent: the latest of each.
  out.now = {
    lastEvent: clone(latest(out.now.lastEvent, anon.now.lastEvent)),
    lastPage: clone(latest(out.now.lastPage, anon.now.lastPage)),
    location: clone(latest(out.now.location, anon.now.location)),
    campaign: clone(latest(out.now.campaign, anon.now.campaign)),
    device: clone(latest(out.now.device, anon.now.device)),
  };
  out.consent = clone(latest(out.consent, anon.consent));

  // Event counts and computed-trait buckets add up.
  for (const [name, e] of Object.entries(anon.events)) {
    const mine = Object.hasOwn(out.events, name) ? out.events[name] : undefined;
    if (!mine) out.events[name] = clone(e);
    else {
      mine.total += e.total;
      mine.firstAt = Math.min(mine.firstAt, e.firstAt);
      mine.lastAt = Math.max(mine.lastAt, e.lastAt);
      mergeCounts(mine.days, e.days, 100_000);
    }
  }
  for (const [defId, buckets] of Object.entries(anon.computed)) {
    const mine = (out.computed[defId] ??= {});
    for (const [k, x] of Object.entries(buckets)) {
      const m = Object.hasOwn(mine, k) ? mine[k] : undefined;
      if (!m) mine[k] = clone(x);
      else {
        m.count += x.count;
        m.sum += x.sum;
        m.numeric += x.numeric;
        m.min = x.min === null ? m.min : m.min === null ? x.min : Math.min(m.min, x.min);
        m.max = x.max === null ? m.max : m.max === null ? x.max : Math.max(m.max, x.max);
        if (x.first && (!m.first || x.first.at < m.first.at)) m.first = clone(x.first);
        if (x.last && (!m.last || x.last.at > m.last.at)) m.last = clone(x.last);
        mergeCounts(m.values, x.values, 100);
      }
    }
  }
  // Segment memberships are re-evaluated by the caller on the merged portrait.
  out.skipped += anon.skipped;
  return out;
}
