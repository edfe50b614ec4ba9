/** Compact per-event-name daily counts, so event conditions ("Order Completed at least 2 times in the last 30 days") need no timeline scan. */
import type { ProfileState } from './profile-state';
import { dayNumber } from './event-time';

const MAX_NAMES = 300;
export const OTHER_EVENTS = '(other)';

/** Name an event is counted under: the track event name, `Page Viewed` or `Screen Viewed`. */
export function countedEventName(event: { type?: unknown; event?: unknown }): string | null {
  if (event.type === 'track') return typeof event.event === 'string' && event.event !== '' ? event.event : null;
  if (event.type === 'page') return 'Page Viewed';
  if (event.type === 'screen') return 'Screen Viewed';
  return null;
}

export function countEvent(state: ProfileState, name: string, at: number, retentionDays: number): void {
  const events = state.events;
  let key = name === '__proto__' ? OTHER_EVENTS : name;
  if (!Object.hasOwn(events, key) && Object.keys(events).length >= MAX_NAMES) key = OTHER_EVENTS;
  let e = Object.hasOwn(events, key) ? events[key] : undefined;
  if (!e) {
    e = { total: 0, firstAt: at, lastAt: at, days: {} };
    events[key] = e;
  }
  e.total++;
  if (at < e.firstAt) e.firstAt = at;
  const day = dayNumber(at);
  const newest = dayNumber(Math.max(e.lastAt, at));
  if (at > e.lastAt) e.lastAt = at;
  if (day <= newest - retentionDays) return;
  const d = String(day);
  if (Object.hasOwn(e.days, d)) {
    e.days[d]++;
    return;
  }
  e.days[d] = 1;
  for (const k of Object.keys(e.days)) if (Number(k) <= newest - retentionDays) delete e.days[k];
}

/** How many times `name` happened in the last `withinDays` days up to `now` (all time when omitted). */
export function countEventsSince(events: ProfileState['events'], name: string, now: number, withinDays?: number): number {
  const e = Object.hasOwn(events, name) ? events[name] : undefined;
  if (!e) return 0;
  if (withinDays === undefined) return e.total;
  const from = dayNumber(now) - withinDays + 1;
  const to = dayNumber(now);
  let n = 0;
  for (const [k, c] of Object.entries(e.days)) {
    const d = Number(k);
    if (d >= from && d <= to) n += c;
  }
  return n;
}
