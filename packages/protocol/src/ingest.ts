/** The collector's answer to an ingest request. */

/** Why one event of a batch was rejected. The SDK never retries a rejected event. */
export type RejectReason =
  | 'invalid_event'      // not an object, unknown type, missing required field
  | 'missing_identity'   // neither userId nor anonymousId
  | 'event_too_large'    // over LIMITS.eventBytes
  | 'invalid_id'         // id empty after cleaning, or not a string
  | 'duplicate_conflict' // same messageId already stored with a different payload
  | 'suppressed';        // the person was erased; their ids are suppressed

export interface RejectedEvent {
  index: number;
  messageId?: string;
  reason: RejectReason;
  /** Human-readable detail, e.g. which field. */
  message: string;
}

/** 200 response of `/v1/batch` and the single-event routes. */
export interface IngestResponse {
  /** Kept for Segment clients, which look for it. */
  success: true;
  /** Events stored now. */
  accepted: number;
  /** Events already stored earlier (same messageId and payload): safe to forget. */
  duplicates: number;
  /** Events dropped on purpose (bots, spam referrers): safe to forget. */
  discarded: number;
  rejected: RejectedEvent[];
}

/** Error body of every non-2xx response. */
export interface ErrorResponse {
  success: false;
  error: { code: string; message: string };
}

/** HTTP statuses the SDK must not retry: the request itself is wrong. */
export const NON_RETRYABLE_STATUSES: readonly number[] = [400, 401, 403, 404, 413, 422];

/** HTTP statuses the SDK retries (with backoff, honouring Retry-After); plus every 5xx. */
export const RETRYABLE_STATUSES: readonly number[] = [408, 429];
