/**
 * The portrait's internal state: plain JSON-serializable data kept by a profile's
 * Durable Object and updated by `applyEvent`. Times are epoch milliseconds, money is in
 * integer minor units (cents) so sums never depend on the order events arrive in.
 */
import type { JsonValue } from '@portrait/protocol';

export const PROFILE_STATE_VERSION = 1;

export interface TraitEntry {
  value: JsonValue;
  /** Time of the event that set the current value (a late older event never overwrites it). */
  at: number;
  firstSeen: number;
  lastSeen: number;
  /** Where the current value came from: `identify`, `group`, `context.traits`. */
  source: string;
}

export interface MergeLogEntry {
  at: string;
  /** Profile id (or canonical id) merged into this one. */
  from: string | null;
  anonymousIds: string[];
  userId: string | null;
  reason: string;
}

export interface IdentityState {
  profileId: string | null;
  userId: string | null;
  userIdAt: number;
  anonymousIds: string[];
  emails: string[];
  externalIds: Array<{ type: string; id: string; collection?: string }>;
  aliases: string[];
  groups: Record<string, { at: number; traits: Record<string, JsonValue> }>;
  mergeLog: MergeLogEntry[];
}

/** A decaying score: its value at time `at`; at a later time t it is `score * 2^-((t-at)/halfLife)`. */
export interface Affinity {
  score: number;
  at: number;
  signals: number;
  name?: string;
}

export interface OrderEntry {
  at: number;
  /** Amount in minor units of `currency`. */
  amount: number;
  currency: string;
  items: number;
  categories: string[];
  brands: string[];
}

export interface CancellationEntry {
  at: number;
  /** Amount in minor units; null means the whole order. */
  amount: number | null;
  currency: string | null;
  kind: 'cancelled' | 'refunded';
}

export interface CartItem {
  product_id: string;
  name?: string;
  category?: string;
  brand?: string;
  price: number;
  quantity: number;
}

export interface CommerceState {
  orders: Record<string, OrderEntry>;
  cancellations: Record<string, CancellationEntry>;
  /** Orders folded out of the ledger to keep it bounded (oldest first); a later cancellation of one counts as unmatched. */
  archived: { orders: number; firstAt: number | null; lastAt: number | null; byCurrency: Record<string, number> };
  cart: { items: Record<string, CartItem>; updatedAt: number; clearedAt: number; cartId: string | null; currency: string | null };
}

export interface SessionEntry {
  start: number;
  end: number;
  events: number;
  pageViews: number;
  engagedMs: number;
  /** Channel of the session's earliest event, and that event's time. */
  channel: string;
  channelAt: number;
  landingPath: string | null;
}

export interface Touch {
  at: number;
  channel: string;
  campaign: Record<string, string> | null;
  referrer: string | null;
  landingPath: string | null;
}

export interface BehaviorState {
  sessions: Record<string, SessionEntry>;
  /** Sessions folded out of `sessions` to keep the state bounded. */
  archived: { count: number; durationMs: number; channels: Record<string, number> };
  pageViews: number;
  engagedMs: number;
  eventsTotal: number;
  /** Events per Segment type (track, page, screen, identify, group, alias). */
  eventTypes: Record<string, number>;
  firstSeen: number | null;
  lastSeen: number | null;
  /** Distinct active days (days since epoch, UTC), sorted. */
  activeDays: number[];
  paths: Record<string, number>;
  devices: Record<string, number>;
  browsers: Record<string, number>;
  os: Record<string, number>;
  hours: number[];
  weekdays: number[];
}

export interface NowState {
  lastEvent: { at: number; type: string; name: string | null } | null;
  lastPage: { at: number; path: string | null; url: string | null; title: string | null; referrer: string | null } | null;
  location: { at: number; country: string | null; region: string | null; city: string | null; timezone: string | null } | null;
  campaign: { at: number; campaign: Record<string, string> } | null;
  device: { at: number; type: string | null; browser: string | null; os: string | null } | null;
}

export interface ConsentState {
  at: number;
  categories: Record<string, boolean>;
  gpc: boolean;
  mode: string | null;
  source: string | null;
}

export interface EventCountEntry {
  total: number;
  firstAt: number;
  lastAt: number;
  /** Count per day (key: days since epoch), kept for `eventCountRetentionDays`. */
  days: Record<string, number>;
}

/** Accumulator of one computed trait: per-day buckets (or one `all` bucket without a window). */
export interface ComputedBucket {
  count: number;
  sum: number;
  numeric: number;
  min: number | null;
  max: number | null;
  first: { at: number; value: JsonValue } | null;
  last: { at: number; value: JsonValue } | null;
  values: Record<string, number>;
}

export interface ProfileState {
  v: number;
  identity: IdentityState;
  traits: Record<string, TraitEntry>;
  interests: { category: Record<string, Affinity>; brand: Record<string, Affinity>; product: Record<string, Affinity> };
  commerce: CommerceState;
  behavior: BehaviorState;
  channels: { firstTouch: Touch | null; lastTouch: Touch | null };
  now: NowState;
  consent: ConsentState | null;
  events: Record<string, EventCountEntry>;
  computed: Record<string, Record<string, ComputedBucket>>;
  segments: Record<string, { since: string }>;
  /** Events that could not be applied (no parseable time), counted so nothing is silent. */
  skipped: number;
}

/** A fresh, empty portrait state. */
export function createProfileState(profileId: string | null = null): ProfileState {
  return {
    v: PROFILE_STATE_VERSION,
    identity: {
      profileId, userId: null, userIdAt: 0, anonymousIds: [], emails: [], externalIds: [], aliases: [], groups: {}, mergeLog: [],
    },
    traits: {},
    interests: { category: {}, brand: {}, product: {} },
    commerce: { orders: {}, cancellations: {}, archived: { orders: 0, firstAt: null, lastAt: null, byCurrency: {} }, cart: { items: {}, updatedAt: 0, clearedAt: 0, cartId: null, currency: null } },
    behavior: {
      sessions: {}, archived: { count: 0, durationMs: 0, channels: {} }, pageViews: 0, engagedMs: 0, eventsTotal: 0, eventTypes: {},
      firstSeen: null, lastSeen: null, activeDays: [], paths: {}, devices: {}, browsers: {}, os: {},
      hours: new Array(24).fill(0), weekdays: new Array(7).fill(0),
    },
    channels: { firstTouch: null, lastTouch: null },
    now: { lastEvent: null, lastPage: null, location: null, campaign: null, device: null },
    consent: null,
    events: {},
    computed: {},
    segments: {},
    skipped: 0,
  };
}
