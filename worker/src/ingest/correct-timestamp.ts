import { MAX_FUTURE_SKEW_MS } from '@portrait/protocol';

/** Before this instant a timestamp is treated as a broken device clock (1970, 0, ...). */
export const IMPLAUSIBLE_BEFORE_MS = Date.UTC(2000, 0, 1);

/** The largest distance from the epoch a JavaScript Date can hold (±100,000,000 days). */
const MAX_DATE_MS = 8.64e15;

export type TimestampFlag = 'future_timestamp' | 'implausible_timestamp' | 'invalid_timestamp';

export interface CorrectedTime {
  /** Corrected event time (ms). */
  timestamp: number;
  /** What the device said, when it said something parseable. */
  originalTimestamp?: number;
  /**
   * The time that orders this event in the profile: the corrected timestamp, or the
   * receive time when the device clock is implausible, so a 1970 event never reorders state.
   */
  orderAt: number;
  flags: TimestampFlag[];
}

/**
 * Segment's clock-skew correction: `timestamp = receivedAt - (sentAt - originalTimestamp)`
 * when the client sent both; without `sentAt` the timestamp is kept as is (historical
 * imports). More than 24 h ahead of `receivedAt` => clamped to `receivedAt` and flagged;
 * before 2000 => flagged and ordered at receive time.
 *
 * @example
 * // device clock two days fast: both stamps skewed the same, the event lands at receive time
 * correctTimestamp(fastTs, fastSentAt, Date.now())
 */
export function correctTimestamp(original: unknown, sentAt: unknown, receivedAt: number): CorrectedTime {
  const flags: TimestampFlag[] = [];
  const orig = parseTime(original);
  const sent = parseTime(sentAt);
  if (original !== undefined && original !== null && orig === undefined) flags.push('invalid_timestamp');
  let timestamp = receivedAt;
  if (orig !== undefined) timestamp = sent !== undefined ? receivedAt - (sent - orig) : orig;
  let orderAt = timestamp;
  if (timestamp > receivedAt + MAX_FUTURE_SKEW_MS) {
    flags.push('future_timestamp');
    timestamp = receivedAt;
    orderAt = receivedAt;
  } else if (timestamp < -MAX_DATE_MS) {
    // Skew correction between two far-apart (still valid) stamps left no date at all.
    flags.push('implausible_timestamp');
    timestamp = receivedAt;
    orderAt = receivedAt;
  } else if (timestamp < IMPLAUSIBLE_BEFORE_MS) {
    flags.push('implausible_timestamp');
    orderAt = receivedAt;
  }
  return { timestamp, originalTimestamp: orig, orderAt, flags };
}

/** ISO-8601 strings or epoch milliseconds a Date can hold; anything else is undefined. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && Math.abs(v) <= MAX_DATE_MS ? v : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}
