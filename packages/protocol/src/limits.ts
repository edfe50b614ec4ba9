/**
 * Wire limits shared by the SDK and the collector. They follow the Segment HTTP
 * Tracking API (32 KB per event, 500 KB per batch, 2,500 events per batch) and add
 * Portrait's own bounds on shape so no payload can exhaust the collector.
 */
export const LIMITS = {
  /** Largest accepted event, in bytes of its JSON. */
  eventBytes: 32 * 1024,
  /** Largest accepted request body, in bytes. */
  batchBytes: 500 * 1024,
  /** Most events in one batch. */
  batchEvents: 2500,
  /** Longest id (messageId, userId, anonymousId, groupId, previousId), in characters. */
  idLength: 100,
  /** Longest event name, in characters. */
  eventNameLength: 200,
  /** Most keys across all nested objects of one event's properties/traits/context. */
  keys: 1000,
  /** Deepest nesting of objects and arrays inside one event. */
  depth: 16,
  /** Longest string value; longer ones are truncated. */
  stringLength: 8192,
} as const;

/** Dedupe window for messageIds on the collector (clients retry for up to 12 h; the SDK holds events offline). */
export const DEDUPE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

/** How far in the future a corrected timestamp may be before it is clamped and flagged. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
