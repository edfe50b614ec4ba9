/**
 * Behaviour, channels and "now": sessions, page views, engaged time, active days, paths,
 * devices, browsers, hour-of-day and weekday activity, first/last touch, and the most
 * recent page, location, campaign and device (latest by event time, not arrival).
 */
import type { ProfileState, SessionEntry, Touch } from './profile-state';
import type { ProfileConfig } from './profile-config';
import { dayNumber } from './event-time';
import { classifyChannel } from './classify-channel';
import { hostOf, readCampaign, readDevice, readGeo } from './context-readers';

type Obj = Record<string, unknown>;

const MAX_SESSIONS = 100;
const MAX_PATHS = 200;
const MAX_ACTIVE_DAYS = 3660;
const MAX_ENGAGED_MS = 60 * 60_000;

const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Engaged milliseconds of a `Page Engaged` event (ms fields, or seconds fields). */
export function engagedMs(props: Obj): number {
  const ms = num(props.engaged_ms) ?? num(props.engagedMs) ?? num(props.engaged_time_ms) ?? num(props.engagedTime) ?? num(props.engaged_time);
  const sec = num(props.engaged_seconds) ?? num(props.engagedSeconds) ?? num(props.seconds);
  const v = ms ?? (sec !== null ? sec * 1000 : 0);
  return Math.max(0, Math.min(MAX_ENGAGED_MS, Math.round(v)));
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();
/** UTC offset (ms) per time zone and UTC hour: offsets only change on quarter hours, and Intl is slow. */
const offsets = new Map<string, number>();
const HOUR_MS = 3_600_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Hour (0-23) and weekday (0 = Sunday) of a time in the visitor's time zone when known, else UTC. */
export function localHourAndWeekday(at: number, timezone: string | null): [number, number] {
  if (timezone) {
    const hourStart = Math.floor(at / HOUR_MS) * HOUR_MS;
    const key = `${timezone}|${hourStart}`;
    let offset = offsets.get(key);
    if (offset === undefined) {
      offset = zoneOffset(hourStart, timezone);
      if (offsets.size >= 50_000) offsets.clear();
      offsets.set(key, offset);
    }
    if (!Number.isNaN(offset)) {
      const d = new Date(at + offset);
      return [d.getUTCHours(), d.getUTCDay()];
    }
  }
  const d = new Date(at);
  return [d.getUTCHours(), d.getUTCDay()];
}

/** Local time minus UTC, in ms, at `at` in `timezone`; NaN for an unknown zone. */
function zoneOffset(at: number, timezone: string): number {
  let f = formatters.get(timezone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23', weekday: 'short' });
    } catch {
      f = null;
    }
    if (formatters.size < 500) formatters.set(timezone, f);
  }
  if (!f) return Number.NaN;
  let minutes = 0;
  let weekday = 0;
  for (const p of f.formatToParts(at)) {
    if (p.type === 'hour') minutes += (Number(p.value) % 24) * 60;
    else if (p.type === 'minute') minutes += Number(p.value);
    else if (p.type === 'weekday') weekday = WEEKDAYS.indexOf(p.value);
  }
  const d = new Date(at);
  let diff = minutes - (d.getUTCHours() * 60 + d.getUTCMinutes());
  const dayDiff = (weekday - d.getUTCDay() + 7) % 7;
  if (dayDiff === 1) diff += 1440;
  else if (dayDiff === 6) diff -= 1440;
  return diff * 60_000;
}

function bump(map: Record<string, number>, key: string | null, max = 100): void {
  if (!key || key === '__proto__') return;
  if (Object.hasOwn(map, key)) map[key]++;
  else if (Object.keys(map).length < max) map[key] = 1;
}

function addActiveDay(days: number[], day: number): void {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid] < day) lo = mid + 1;
    else hi = mid;
  }
  if (days[lo] === day) return;
  days.splice(lo, 0, day);
  if (days.length > MAX_ACTIVE_DAYS) days.shift();
}

function findImplicitSession(sessions: Record<string, SessionEntry>, at: number, gap: number): string | null {
  for (const [id, s] of Object.entries(sessions)) {
    if (id.startsWith('auto:') && at >= s.start - gap && at <= s.end + gap) return id;
  }
  return null;
}

function archiveOldestSession(state: ProfileState): void {
  const b = state.behavior;
  let oldest: string | null = null;
  for (const [id, s] of Object.entries(b.sessions)) if (oldest === null || s.start < b.sessions[oldest].start) oldest = id;
  if (oldest === null) return;
  const s = b.sessions[oldest];
  delete b.sessions[oldest];
  b.archived.count++;
  b.archived.durationMs += s.end - s.start;
  b.archived.channels[s.channel] = (b.archived.channels[s.channel] ?? 0) + 1;
}

const touchRank = (t: Touch) => (t.channel === 'direct' ? 0 : 1);

function updateTouches(state: ProfileState, touch: Touch): void {
  const c = state.channels;
  if (!c.firstTouch || touch.at < c.firstTouch.at) c.firstTouch = touch;
  // Last touch: the latest non-direct touch; a direct visit counts only when there is none.
  const last = c.lastTouch;
  if (!last || touchRank(touch) > touchRank(last) || (touchRank(touch) === touchRank(last) && touch.at >= last.at)) c.lastTouch = touch;
}

export function applyBehavior(state: ProfileState, event: Obj, at: number, config: ProfileConfig): void {
  const b = state.behavior;
  const context = obj(event.context);
  const props = obj(event.properties) ?? {};
  const page = obj(context?.page);
  const type = event.type as string;
  const isPage = type === 'page' || type === 'screen';
  const name = type === 'track' ? str(event.event) : null;

  b.eventsTotal++;
  if (['track', 'page', 'screen', 'identify', 'group', 'alias'].includes(type)) b.eventTypes[type] = (b.eventTypes[type] ?? 0) + 1;
  if (b.firstSeen === null || at < b.firstSeen) b.firstSeen = at;
  if (b.lastSeen === null || at > b.lastSeen) b.lastSeen = at;
  addActiveDay(b.activeDays, dayNumber(at));
  const geo = readGeo(context);
  const [hour, weekday] = localHourAndWeekday(at, str(context?.timezone) ?? geo?.timezone ?? null);
  b.hours[hour]++;
  b.weekdays[weekday]++;

  const path = str(page?.path) ?? str(props.path);
  const url = str(page?.url) ?? str(props.url);
  const referrer = str(page?.referrer) ?? str(props.referrer);
  const campaign = readCampaign(context);
  if (isPage) {
    b.pageViews++;
    bump(b.paths, path, MAX_PATHS);
  }
  let engaged = 0;
  if (name === 'Page Engaged') {
    engaged = engagedMs(props);
    b.engagedMs += engaged;
  }

  // Sessions: the SDK's session id when present, else 30 minutes of inactivity.
  const gap = config.sessionTimeoutMinutes * 60_000;
  const session = obj(context?.session);
  let sid = str(session?.id);
  if (!sid && type !== 'identify' && type !== 'alias' && type !== 'group') sid = findImplicitSession(b.sessions, at, gap) ?? `auto:${at}`;
  const device = readDevice(context);
  if (sid) {
    let s = Object.hasOwn(b.sessions, sid) ? b.sessions[sid] : undefined;
    const channel = classifyChannel(campaign, referrer, hostOf(url));
    if (!s) {
      if (Object.keys(b.sessions).length >= MAX_SESSIONS) archiveOldestSession(state);
      s = { start: at, end: at, events: 0, pageViews: 0, engagedMs: 0, channel, channelAt: at, landingPath: isPage ? path : null };
      b.sessions[sid] = s;
      if (device) {
        bump(b.devices, device.type);
        bump(b.browsers, device.browser);
        bump(b.os, device.os);
      }
      updateTouches(state, { at, channel, campaign, referrer, landingPath: path });
    } else if (at < s.channelAt) {
      s.channel = channel;
      s.channelAt = at;
      if (isPage) s.landingPath = path;
      updateTouches(state, { at, channel, campaign, referrer, landingPath: path });
    } else if (isPage && s.landingPath === null) {
      s.landingPath = path;
    }
    s.events++;
    if (isPage) s.pageViews++;
    s.engagedMs += engaged;
    if (at < s.start) s.start = at;
    if (at > s.end) s.end = at;
  }

  // "Now": the latest of each, by event time.
  const now = state.now;
  if (!now.lastEvent || at >= now.lastEvent.at) now.lastEvent = { at, type, name: name ?? (isPage ? str(event.name) : null) };
  if (isPage && (!now.lastPage || at >= now.lastPage.at)) {
    now.lastPage = { at, path, url, title: str(page?.title) ?? str(props.title) ?? str(event.name), referrer };
  }
  if (geo && (!now.location || at >= now.location.at)) now.location = { at, ...geo };
  if (campaign && (!now.campaign || at >= now.campaign.at)) now.campaign = { at, campaign };
  if (device && (!now.device || at >= now.device.at)) now.device = { at, ...device };

  // Consent as the SDK reported it (context.consent), and the browser's Global Privacy Control.
  const consent = obj(context?.consent);
  const gpcHeader = context?.gpc === true;
  if ((consent || gpcHeader) && (!state.consent || at >= state.consent.at)) {
    const prev = state.consent;
    const categories: Record<string, boolean> = consent ? {} : { ...(prev?.categories ?? {}) };
    const cats = obj(consent?.categories);
    if (cats) for (const [k, v] of Object.entries(cats)) if (typeof v === 'boolean' && k !== '__proto__') categories[k] = v;
    state.consent = {
      at,
      categories,
      gpc: consent?.gpc === true || gpcHeader,
      mode: consent ? str(consent.mode) : prev?.mode ?? null,
      source: consent ? str(consent.source) : prev?.source ?? null,
    };
  }
}
