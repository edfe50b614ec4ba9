/** Segment-compatible event envelope types (Segment HTTP Tracking API / Spec). */

export type EventType = 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';

export const EVENT_TYPES: readonly EventType[] = ['track', 'page', 'screen', 'identify', 'group', 'alias'];

/** Short one-letter paths used by analytics-next, mapped to event types (`b` is batch). */
export const SHORT_PATHS: Readonly<Record<string, EventType | 'batch'>> = {
  t: 'track', p: 'page', s: 'screen', i: 'identify', g: 'group', a: 'alias', b: 'batch',
};

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Consent categories the SDK and collector understand. */
export type ConsentCategory = 'analytics' | 'personalization' | 'marketing';
export const CONSENT_CATEGORIES: readonly ConsentCategory[] = ['analytics', 'personalization', 'marketing'];

/** Consent state as carried in `context.consent`. */
export interface ConsentContext {
  /** 'required' (default-deny) or 'optional' (opt-out). */
  mode?: 'required' | 'optional';
  categories: Partial<Record<ConsentCategory, boolean>>;
  /** Global Privacy Control was on in the browser. */
  gpc?: boolean;
  /** Where the decision came from. */
  source?: 'api' | 'tcf' | 'default';
}

export interface CampaignContext {
  name?: string;
  source?: string;
  medium?: string;
  term?: string;
  content?: string;
  /** Ad click ids: gclid, fbclid, msclkid, ttclid, li_fat_id. */
  [key: string]: string | undefined;
}

export interface PageContext {
  path?: string;
  referrer?: string;
  search?: string;
  title?: string;
  url?: string;
}

export interface SessionContext {
  id: string;
  /** 1-based count of this visitor's sessions. */
  count: number;
  start?: string;
}

/** The `context` object (Segment common fields) with Portrait additions. */
export interface EventContext {
  library?: { name: string; version: string };
  page?: PageContext;
  userAgent?: string;
  locale?: string;
  timezone?: string;
  screen?: { width: number; height: number; density?: number };
  campaign?: CampaignContext;
  consent?: ConsentContext;
  session?: SessionContext;
  ip?: string;
  traits?: JsonObject;
  externalIds?: Array<{ id: string; type: string; collection?: string; encoding?: string }>;
  [key: string]: unknown;
}

interface BaseEvent {
  type: EventType;
  /** Unique per event, kept across retries; <= 100 characters. */
  messageId: string;
  anonymousId?: string | null;
  userId?: string | null;
  /** ISO-8601 time the event happened on the device. */
  timestamp?: string;
  /** ISO-8601 time the event was sent (set per attempt). */
  sentAt?: string;
  /** Set by the collector. */
  receivedAt?: string;
  originalTimestamp?: string;
  context?: EventContext;
  integrations?: Record<string, unknown>;
}

export interface TrackEvent extends BaseEvent { type: 'track'; event: string; properties?: JsonObject }
export interface PageEvent extends BaseEvent { type: 'page'; name?: string; category?: string; properties?: JsonObject }
export interface ScreenEvent extends BaseEvent { type: 'screen'; name?: string; category?: string; properties?: JsonObject }
export interface IdentifyEvent extends BaseEvent { type: 'identify'; traits?: JsonObject }
export interface GroupEvent extends BaseEvent { type: 'group'; groupId: string; traits?: JsonObject }
export interface AliasEvent extends BaseEvent { type: 'alias'; previousId: string; userId: string }

export type PortraitEvent = TrackEvent | PageEvent | ScreenEvent | IdentifyEvent | GroupEvent | AliasEvent;

/** Body of `POST /v1/batch` (and `/v1/b`). */
export interface BatchBody {
  batch: PortraitEvent[];
  sentAt?: string;
  context?: EventContext;
  integrations?: Record<string, unknown>;
  writeKey?: string;
}

/** Segment's reserved identify traits. */
export interface ReservedTraits {
  address?: { city?: string; country?: string; postalCode?: string; state?: string; street?: string };
  age?: number;
  avatar?: string;
  birthday?: string;
  company?: { name?: string; id?: string | number; industry?: string; employee_count?: number; plan?: string };
  createdAt?: string;
  description?: string;
  email?: string;
  firstName?: string;
  gender?: string;
  id?: string;
  lastName?: string;
  name?: string;
  phone?: string;
  title?: string;
  username?: string;
  website?: string;
}

export const RESERVED_TRAITS: readonly (keyof ReservedTraits)[] = [
  'address', 'age', 'avatar', 'birthday', 'company', 'createdAt', 'description', 'email',
  'firstName', 'gender', 'id', 'lastName', 'name', 'phone', 'title', 'username', 'website',
];
