import type { EventType, RejectReason } from '@portrait/protocol';
import type { UserAgentInfo } from './parse-user-agent';

/** Geo facts from the connection (Cloudflare's `request.cf`), never from the payload. */
export interface GeoInfo {
  country?: string;
  region?: string;
  regionCode?: string;
  city?: string;
  postalCode?: string;
  continent?: string;
  timezone?: string;
  latitude?: number;
  longitude?: number;
}

/** Facts about the HTTP request every event of it shares. */
export interface RequestFacts {
  receivedAt: number;
  /** Parsed from the User-Agent header (the payload's `context.userAgent` is ignored). */
  userAgent: UserAgentInfo;
  geo?: GeoInfo;
  /** `Sec-GPC: 1` was sent. */
  gpc: boolean;
  /** The route's event type (`/v1/track` => 'track'), or 'batch'. */
  route: EventType | 'batch';
  /** Size of the request body; when it is within the event limit, events are not measured. */
  bodyBytes?: number;
}

/** One event as stored in a profile's timeline. */
export interface StoredEvent {
  type: EventType;
  messageId: string;
  userId?: string;
  anonymousId?: string;
  event?: string;
  name?: string;
  category?: string;
  groupId?: string;
  previousId?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context: Record<string, unknown>;
  integrations?: Record<string, unknown>;
  /** Corrected event time (ISO-8601). */
  timestamp: string;
  originalTimestamp?: string;
  sentAt?: string;
  receivedAt: string;
  /** What the collector changed or doubts: truncations, clamped clocks, cleaned ids. */
  flags?: string[];
}

/** An accepted event, ready for its profile's Durable Object. */
export interface PreparedEvent {
  index: number;
  /** `user:<userId>` or `anon:<anonymousId>`: names the profile object. */
  profileKey: string;
  event: StoredEvent;
  /** Epoch ms that orders the event in the profile (receive time for implausible clocks). */
  orderAt: number;
  /** Epoch ms the collector received it (`event.receivedAt` as a number). */
  receivedAt: number;
  /** Profile keys this event says are the same person (anonymousId, alias previousId). */
  links: string[];
}

export interface RejectedDetail {
  index: number;
  messageId?: string;
  reason: RejectReason;
  message: string;
  /** The offending event, truncated, for the dead-letter table. */
  payload: string;
}

export type DiscardReason = 'bot' | 'spam_referrer';

export interface PreparedBatch {
  events: PreparedEvent[];
  rejected: RejectedDetail[];
  discarded: Array<{ index: number; reason: DiscardReason }>;
  /** Per-reason counts of what had to be changed or dropped (for the tenant's stats). */
  counters: Record<string, number>;
}
