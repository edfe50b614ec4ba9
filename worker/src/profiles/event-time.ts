/** Time helpers shared by the portrait sections. All times are epoch milliseconds or ISO strings. */
import type { PortraitEvent } from '@portrait/protocol';

export const DAY_MS = 86_400_000;

/** When the event happened: `timestamp`, else `originalTimestamp`, else `receivedAt`; NaN when none parses. */
export function eventTime(event: Pick<PortraitEvent, 'timestamp' | 'originalTimestamp' | 'receivedAt'>): number {
  for (const v of [event.timestamp, event.originalTimestamp, event.receivedAt]) {
    if (typeof v === 'string') {
      const t = Date.parse(v);
      if (Number.isFinite(t)) return t;
    }
  }
  return Number.NaN;
}

/** Days since 1970-01-01 (UTC) of a time in ms. */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export function iso(ms: number | null | undefined): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export function toMs(value: string | number | Date): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return Date.parse(value);
}
