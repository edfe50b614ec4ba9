/** Turns a portrait state into the JSON of `GET /v1/profiles/:id`. Pure: time comes from `now`. */
import type { ReservedTraits } from '@portrait/protocol';

/**
 * A JSON value in the rendered portrait. Deliberately not the recursive JsonValue: the
 * portrait crosses Durable Object RPC, whose type mapping cannot expand recursive types.
 */
export type PortraitValue = string | number | boolean | null | readonly unknown[] | { readonly [key: string]: unknown };
import type { ProfileState } from './profile-state';
import type { RfmCutPoints } from '../insights/rfm-cut-points';
import { resolveProfileConfig, type ProfileConfig } from './profile-config';
import { iso, toMs } from './event-time';
import { summarizeCommerce, type CommerceSummary } from './commerce';
import { topInterests, type InterestScore } from './interests';
import { computeRfm, type Rfm } from './rfm';
import { deriveTraits, type DerivedTraits } from './derive-traits';
import { computedTraitValues } from './computed-traits';
import { CHANNELS, type Channel } from './classify-channel';
import { readReservedTraits } from './reserved-traits';

export interface TraitValue { value: PortraitValue; firstSeen: string; lastSeen: string; updatedAt: string; source: string }

export interface Portrait {
  id: string | null;
  generatedAt: string;
  identity: {
    profileId: string | null;
    userId: string | null;
    anonymousIds: string[];
    emails: string[];
    externalIds: Array<{ type: string; id: string; collection?: string }>;
    aliases: string[];
    groups: Array<{ groupId: string; traits: Record<string, PortraitValue>; updatedAt: string }>;
    mergeLog: ProfileState['identity']['mergeLog'];
  };
  traits: { all: Record<string, TraitValue>; reserved: ReservedTraits; derived: DerivedTraits };
  interests: { halfLifeDays: number; categories: InterestScore[]; brands: InterestScore[]; products: InterestScore[] };
  commerce: CommerceSummary;
  rfm: Rfm;
  behavior: {
    sessions: number;
    pageViews: number;
    events: number;
    eventTypes: Record<'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias', number>;
    engagedTimeMs: number;
    averageSessionMs: number | null;
    activeDays: number;
    firstSeen: string | null;
    lastSeen: string | null;
    topPaths: Array<{ path: string; views: number }>;
    devices: Array<{ name: string; sessions: number }>;
    browsers: Array<{ name: string; sessions: number }>;
    os: Array<{ name: string; sessions: number }>;
    hourOfDay: number[];
    weekday: number[];
  };
  channels: {
    firstTouch: (Omit<NonNullable<ProfileState['channels']['firstTouch']>, 'at'> & { at: string }) | null;
    lastTouch: (Omit<NonNullable<ProfileState['channels']['lastTouch']>, 'at'> & { at: string }) | null;
    mix: Record<Channel, number>;
  };
  now: {
    session: { id: string; active: boolean; start: string; end: string; events: number; pageViews: number; channel: string; landingPath: string | null } | null;
    lastPage: { at: string; path: string | null; url: string | null; title: string | null; referrer: string | null } | null;
    location: { at: string; country: string | null; region: string | null; city: string | null; timezone: string | null } | null;
    campaign: { at: string; campaign: Record<string, string> } | null;
    device: { at: string; type: string | null; browser: string | null; os: string | null } | null;
    lastEvent: { at: string; type: string; name: string | null } | null;
  };
  consent: { categories: Record<string, boolean>; gpc: boolean; mode: string | null; source: string | null; updatedAt: string } | null;
  segments: Record<string, { since: string }>;
  computed: Record<string, PortraitValue>;
  predictions: Record<string, PortraitValue>;
  /** Per event name: total, first/last time and daily counts (UTC dates) inside the retention window. */
  events: Record<string, { total: number; firstAt: string; lastAt: string; daily: Record<string, number> }>;
}

export interface RenderOptions {
  now: number | string | Date;
  insights?: { rfmCutPoints?: RfmCutPoints | null } | null;
  config?: Partial<ProfileConfig>;
}

const at = <T extends { at: number }>(x: T | null) => (x ? { ...x, at: new Date(x.at).toISOString() } : null);

const ranked = (map: Record<string, number>, n: number) =>
  Object.entries(map).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);

const dateOfDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** Session still open when its last event is within the session timeout of now. */
function currentSession(state: ProfileState, now: number, config: ProfileConfig): Portrait['now']['session'] {
  let best: [string, ProfileState['behavior']['sessions'][string]] | null = null;
  for (const entry of Object.entries(state.behavior.sessions)) if (!best || entry[1].end > best[1].end) best = entry;
  if (!best) return null;
  const [id, s] = best;
  return {
    id, active: now - s.end <= config.sessionTimeoutMinutes * 60_000 && now >= s.start,
    start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString(),
    events: s.events, pageViews: s.pageViews, channel: s.channel, landingPath: s.landingPath,
  };
}

export function renderPortrait(state: ProfileState, options: RenderOptions): Portrait {
  const now = toMs(options.now);
  const config = resolveProfileConfig(options.config);
  const traits: Record<string, TraitValue> = {};
  const raw: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(state.traits)) {
    traits[k] = { value: t.value, firstSeen: new Date(t.firstSeen).toISOString(), lastSeen: new Date(t.lastSeen).toISOString(), updatedAt: new Date(t.at).toISOString(), source: t.source };
    raw[k] = t.value;
  }
  const commerce = summarizeCommerce(state, config, now);
  const lastOrderAt = commerce.lastOrderAt ? Date.parse(commerce.lastOrderAt) : null;
  const b = state.behavior;
  const sessions = Object.values(b.sessions);
  const sessionCount = sessions.length + b.archived.count;
  const sessionMs = sessions.reduce((s, x) => s + (x.end - x.start), b.archived.durationMs);
  const mix = Object.fromEntries(CHANNELS.map((c) => [c, b.archived.channels[c] ?? 0])) as Record<Channel, number>;
  for (const s of sessions) if (s.channel in mix) mix[s.channel as Channel]++;
  const events: Portrait['events'] = {};
  for (const [name, e] of Object.entries(state.events)) {
    const daily: Record<string, number> = {};
    for (const d of Object.keys(e.days).map(Number).sort((x, y) => x - y)) daily[dateOfDay(d)] = e.days[String(d)];
    events[name] = { total: e.total, firstAt: new Date(e.firstAt).toISOString(), lastAt: new Date(e.lastAt).toISOString(), daily };
  }
  const id = state.identity;
  return {
    id: id.profileId,
    generatedAt: new Date(now).toISOString(),
    identity: {
      profileId: id.profileId, userId: id.userId, anonymousIds: [...id.anonymousIds], emails: [...id.emails],
      externalIds: id.externalIds.map((x) => ({ ...x })), aliases: [...id.aliases],
      groups: Object.entries(id.groups).map(([groupId, g]) => ({ groupId, traits: g.traits, updatedAt: new Date(g.at).toISOString() })),
      mergeLog: id.mergeLog.map((m) => ({ ...m })),
    },
    traits: { all: traits, reserved: readReservedTraits(raw), derived: deriveTraits(raw, state.now.location, now) },
    interests: {
      halfLifeDays: config.interestHalfLifeDays,
      categories: topInterests(state.interests.category, now, config),
      brands: topInterests(state.interests.brand, now, config),
      products: topInterests(state.interests.product, now, config),
    },
    commerce,
    rfm: computeRfm(commerce.orders, commerce.revenue, lastOrderAt, now, options.insights?.rfmCutPoints ?? null),
    behavior: {
      sessions: sessionCount,
      pageViews: b.pageViews,
      events: b.eventsTotal,
      eventTypes: { track: 0, page: 0, screen: 0, identify: 0, group: 0, alias: 0, ...(b.eventTypes ?? {}) },
      engagedTimeMs: b.engagedMs,
      averageSessionMs: sessionCount ? Math.round(sessionMs / sessionCount) : null,
      activeDays: b.activeDays.length,
      firstSeen: iso(b.firstSeen),
      lastSeen: iso(b.lastSeen),
      topPaths: ranked(b.paths, 10).map(([path, views]) => ({ path, views })),
      devices: ranked(b.devices, 10).map(([name, n]) => ({ name, sessions: n })),
      browsers: ranked(b.browsers, 10).map(([name, n]) => ({ name, sessions: n })),
      os: ranked(b.os, 10).map(([name, n]) => ({ name, sessions: n })),
      hourOfDay: [...b.hours],
      weekday: [...b.weekdays],
    },
    channels: { firstTouch: at(state.channels.firstTouch), lastTouch: at(state.channels.lastTouch), mix },
    now: {
      session: currentSession(state, now, config),
      lastPage: at(state.now.lastPage),
      location: at(state.now.location),
      campaign: at(state.now.campaign),
      device: at(state.now.device),
      lastEvent: at(state.now.lastEvent),
    },
    consent: state.consent
      ? { categories: { ...state.consent.categories }, gpc: state.consent.gpc, mode: state.consent.mode, source: state.consent.source, updatedAt: new Date(state.consent.at).toISOString() }
      : null,
    segments: Object.fromEntries(Object.entries(state.segments).map(([k, v]) => [k, { ...v }])),
    computed: computedTraitValues(state, config.computedTraits, now),
    predictions: {},
    events,
  };
}
