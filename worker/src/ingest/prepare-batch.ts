import { EVENT_TYPES, LIMITS, type EventType, type RejectReason } from '@portrait/protocol';
import { isBlockedId } from './blocked-ids';
import { cleanId } from './clean-id';
import { correctTimestamp, parseTime } from './correct-timestamp';
import { IngestError } from './ingest-error';
import type { DiscardReason, PreparedBatch, PreparedEvent, RejectedDetail, RequestFacts, StoredEvent } from './ingest-types';
import { payloadHash } from './payload-hash';
import { sanitizeEvent, truncateString, DEFAULT_SANITIZE_LIMITS, type SanitizeLimits } from './sanitize-event';
import { spamReferrer } from './spam-referrers';

/** Dead-letter copies of a rejected event keep at most this many characters. */
export const DEAD_LETTER_PAYLOAD_CHARS = 2048;

/** Fields a client may send that the collector sets itself or must ignore. */
const IGNORED_TOP_LEVEL = ['ip', 'request_ip', 'userAgent', 'writeKey', 'receivedAt', '_metadata'];
const IGNORED_CONTEXT = ['ip', 'request_ip', 'userAgent', 'location'];

/**
 * Turns a parsed request body into events ready to store, one verdict per event: a bad
 * event is rejected with its reason and never sinks the others. Throws `IngestError`
 * (400/413) only when the request itself is unusable (no batch, empty batch, too many).
 * `body` is used up: with `facts.bodyBytes` small enough, its events become the prepared
 * ones (not copied) and lose their per-attempt fields, so pass a fresh parse.
 *
 * @example
 * const prepared = prepareBatch(JSON.parse(body), { receivedAt: Date.now(), userAgent, gpc: false, route: 'batch' });
 */
export function prepareBatch(body: unknown, facts: RequestFacts, limits: SanitizeLimits = DEFAULT_SANITIZE_LIMITS): PreparedBatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new IngestError(400, 'invalid_body', 'Request body must be a JSON object: an event, or {"batch": [...]}.');
  }
  const envelope = body as Record<string, unknown>;
  let rawEvents: unknown[];
  let batchContext: Record<string, unknown> | undefined;
  let batchIntegrations: Record<string, unknown> | undefined;
  if (facts.route === 'batch') {
    if (!Array.isArray(envelope.batch)) {
      throw new IngestError(400, 'invalid_batch', 'Batch body needs a "batch" array of events: {"batch": [{"type": "track", ...}]}.');
    }
    rawEvents = envelope.batch;
    if (rawEvents.length === 0) throw new IngestError(400, 'empty_batch', 'The batch is empty; send at least one event.');
    if (rawEvents.length > LIMITS.batchEvents) {
      throw new IngestError(
        413,
        'too_many_events',
        `The batch holds ${rawEvents.length} events; the limit is ${LIMITS.batchEvents} per request. Split it.`,
      );
    }
    batchContext = plainObject(envelope.context) ? sanitizedObject(envelope.context, limits) : undefined;
    batchIntegrations = plainObject(envelope.integrations) ? sanitizedObject(envelope.integrations, limits) : undefined;
  } else {
    rawEvents = [envelope];
  }

  // No event can be larger than a body within the event limit: skip measuring then.
  if (facts.bodyBytes !== undefined && facts.bodyBytes <= limits.maxBytes) limits = { ...limits, measure: false };
  const out: PreparedBatch = { events: [], rejected: [], discarded: [], counters: {} };
  const count = (name: string, n = 1) => {
    out.counters[name] = (out.counters[name] ?? 0) + n;
  };
  // Shared by every event of the request: formatted once, not once per event.
  const batch: BatchLevel = { batchContext, batchIntegrations, batchSentAt: envelope.sentAt, receivedAtIso: new Date(facts.receivedAt).toISOString(), times: new Map() };

  for (let index = 0; index < rawEvents.length; index++) {
    const raw = rawEvents[index];
    const verdict = prepareOne(raw, index, facts, limits, batch);
    if (verdict.kind === 'rejected') {
      out.rejected.push(verdict.detail);
      count(`rejected:${verdict.detail.reason}`);
    } else if (verdict.kind === 'discarded') {
      out.discarded.push({ index, reason: verdict.reason });
      count(`discarded:${verdict.reason}`);
    } else {
      out.events.push(verdict.event);
      for (const flag of verdict.event.event.flags ?? []) count(`flag:${flag}`);
    }
  }
  return out;
}

type Verdict =
  | { kind: 'accepted'; event: PreparedEvent }
  | { kind: 'rejected'; detail: RejectedDetail }
  | { kind: 'discarded'; reason: DiscardReason };

interface BatchLevel {
  batchContext?: Record<string, unknown>;
  batchIntegrations?: Record<string, unknown>;
  batchSentAt: unknown;
  /** `facts.receivedAt` as ISO-8601. */
  receivedAtIso: string;
  /** ISO-8601 form of epoch ms already formatted for this request (events share their sentAt, often their time). */
  times: Map<number, string>;
  /** The last `sentAt` value read and its two readings (events of a batch share it): parsed once, not once per event. */
  sentAt?: { value: unknown; skew: number | undefined; stored: number };
}

/**
 * A `sentAt` as skew correction reads it (`parseTime`: ISO text or epoch ms) and as the stored
 * event keeps it (`Date.parse` of its text; NaN when it has none).
 */
function sentAtTimes(value: unknown, batch: BatchLevel): { skew: number | undefined; stored: number } {
  if (batch.sentAt && batch.sentAt.value === value) return batch.sentAt;
  const times = {
    value,
    skew: parseTime(value),
    stored: typeof value === 'string' || typeof value === 'number' ? Date.parse(String(value)) : NaN,
  };
  batch.sentAt = times;
  return times;
}

function isoOf(ms: number, batch: BatchLevel): string {
  let iso = batch.times.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    if (batch.times.size < 64) batch.times.set(ms, iso);
  }
  return iso;
}

function prepareOne(raw: unknown, index: number, facts: RequestFacts, limits: SanitizeLimits, batch: BatchLevel): Verdict {
  if (!plainObject(raw)) return reject(raw, index, 'invalid_event', `Event ${index} must be a JSON object.`);

  const sanitized = sanitizeEvent(raw, limits);
  if (!sanitized.ok) {
    return reject(
      raw,
      index,
      'event_too_large',
      `Event ${index} is larger than ${limits.maxBytes} bytes (${Math.round(limits.maxBytes / 1024)} KB) of JSON.`,
    );
  }
  const ev = sanitized.value as Record<string, unknown>;
  const flags: string[] = [];
  if (sanitized.stats.truncatedStrings) flags.push('truncated_strings');
  if (sanitized.stats.droppedKeys) flags.push('truncated_keys');
  if (sanitized.stats.cutDepth) flags.push('truncated_depth');
  if (sanitized.stats.unsafeKeys) flags.push('unsafe_keys_dropped');

  const type = (facts.route === 'batch' ? ev.type : facts.route) as EventType;
  if (typeof type !== 'string' || !EVENT_TYPES.includes(type)) {
    return reject(raw, index, 'invalid_event', `Event ${index} has type ${JSON.stringify(ev.type ?? null)}; expected one of ${EVENT_TYPES.join(', ')}.`);
  }

  const ids: Record<string, string | undefined> = {};
  for (const field of ['messageId', 'userId', 'anonymousId', 'groupId', 'previousId'] as const) {
    const r = cleanId(ev[field], field);
    if (!r.ok) return reject(raw, index, 'invalid_id', `Event ${index}: ${r.message}`);
    if (r.changed) flags.push(`cleaned_${field}`);
    ids[field] = r.value;
  }

  const userId = ids.userId !== undefined && !isBlockedId(ids.userId) ? ids.userId : undefined;
  const anonymousId = ids.anonymousId !== undefined && !isBlockedId(ids.anonymousId) ? ids.anonymousId : undefined;
  if (ids.userId !== undefined && userId === undefined) flags.push('blocked_userId');
  if (ids.anonymousId !== undefined && anonymousId === undefined) flags.push('blocked_anonymousId');
  if (userId === undefined && anonymousId === undefined) {
    if (ids.userId === undefined && ids.anonymousId === undefined) {
      return reject(raw, index, 'missing_identity', `Event ${index} has neither userId nor anonymousId; one is required.`);
    }
    return reject(
      raw,
      index,
      'invalid_id',
      `Event ${index}: ${JSON.stringify(ids.userId ?? ids.anonymousId)} is a placeholder, not an id; send a real userId or anonymousId.`,
    );
  }

  const stored: StoredEvent = {
    type,
    messageId: '',
    context: {},
    timestamp: '',
    receivedAt: batch.receivedAtIso,
  };
  if (ids.userId !== undefined) stored.userId = ids.userId;
  if (ids.anonymousId !== undefined) stored.anonymousId = ids.anonymousId;

  switch (type) {
    case 'track': {
      if (typeof ev.event !== 'string' || ev.event.trim() === '') {
        return reject(raw, index, 'invalid_event', `Event ${index} (track) needs a non-empty "event" name.`);
      }
      stored.event = ev.event.length > LIMITS.eventNameLength ? truncateString(ev.event, LIMITS.eventNameLength) : ev.event;
      if (stored.event !== ev.event) flags.push('truncated_event_name');
      break;
    }
    case 'page':
    case 'screen': {
      if (typeof ev.name === 'string') stored.name = truncateString(ev.name, LIMITS.eventNameLength);
      if (typeof ev.category === 'string') stored.category = truncateString(ev.category, LIMITS.eventNameLength);
      break;
    }
    case 'group': {
      if (ids.groupId === undefined) return reject(raw, index, 'invalid_event', `Event ${index} (group) needs a "groupId".`);
      stored.groupId = ids.groupId;
      break;
    }
    case 'alias': {
      if (ids.previousId === undefined) return reject(raw, index, 'invalid_event', `Event ${index} (alias) needs a "previousId".`);
      if (ids.userId === undefined) return reject(raw, index, 'invalid_event', `Event ${index} (alias) needs a "userId".`);
      stored.previousId = ids.previousId;
      break;
    }
    case 'identify':
      break;
  }

  for (const field of ['properties', 'traits'] as const) {
    const v = ev[field];
    if (v === undefined || v === null) continue;
    if (!plainObject(v)) return reject(raw, index, 'invalid_event', `Event ${index}: "${field}" must be an object.`);
    stored[field] = v;
  }
  if (type === 'identify' || type === 'group') {
    // Segment clients put identify traits in `traits`; some put them in context.traits.
    const ctxTraits = plainObject(ev.context) && plainObject(ev.context.traits) ? ev.context.traits : undefined;
    if (!stored.traits && ctxTraits) stored.traits = ctxTraits;
  }

  const context: Record<string, unknown> = { ...(batch.batchContext ?? {}), ...(plainObject(ev.context) ? ev.context : {}) };
  const integrations = plainObject(ev.integrations) ? ev.integrations : batch.batchIntegrations;
  const sentAt = ev.sentAt ?? batch.batchSentAt;
  if (ids.messageId !== undefined) stored.messageId = ids.messageId;
  else {
    // Derived from the client payload (ids cleaned, collector-set fields and sentAt left
    // out), so a retry of the event gets the same one.
    for (const key of IGNORED_TOP_LEVEL) delete ev[key];
    delete ev.sentAt;
    stored.messageId = `auto-${payloadHash(JSON.stringify([type, ids, ev, batch.batchContext ?? null, integrations ?? null]))}`;
    flags.push('generated_messageId');
  }

  const referrerSpam = spamReferrer(pageReferrer(context, stored.properties));
  if (facts.userAgent.bot) return { kind: 'discarded', reason: 'bot' };
  if (referrerSpam) return { kind: 'discarded', reason: 'spam_referrer' };

  const sentTimes = sentAtTimes(sentAt, batch);
  const time = correctTimestamp(ev.timestamp ?? ev.originalTimestamp, sentTimes.skew, facts.receivedAt);
  flags.push(...time.flags);
  stored.timestamp = time.timestamp === facts.receivedAt ? batch.receivedAtIso : isoOf(time.timestamp, batch);
  if (time.originalTimestamp !== undefined) stored.originalTimestamp = isoOf(time.originalTimestamp, batch);
  if (!Number.isNaN(sentTimes.stored)) stored.sentAt = isoOf(sentTimes.stored, batch);

  for (const key of IGNORED_CONTEXT) delete context[key];
  enrichContext(context, facts);
  stored.context = context;
  if (integrations) stored.integrations = integrations;
  if (flags.length) stored.flags = flags;

  const profileKey = userId !== undefined ? `user:${userId}` : `anon:${anonymousId}`;
  const links: string[] = [];
  if (userId !== undefined && anonymousId !== undefined) links.push(`anon:${anonymousId}`);
  if (type === 'alias' && stored.previousId !== undefined && userId !== undefined && !isBlockedId(stored.previousId)) {
    if (stored.previousId !== userId) links.push(`user:${stored.previousId}`);
    if (stored.previousId !== anonymousId) links.push(`anon:${stored.previousId}`);
  }
  return { kind: 'accepted', event: { index, profileKey, event: stored, orderAt: time.orderAt, receivedAt: facts.receivedAt, links } };
}

function reject(raw: unknown, index: number, reason: RejectReason, message: string): Verdict {
  const messageId = plainObject(raw) && typeof raw.messageId === 'string' ? truncateString(raw.messageId, LIMITS.idLength) : undefined;
  return { kind: 'rejected', detail: { index, messageId, reason, message, payload: deadLetterText(raw) } };
}

function enrichContext(context: Record<string, unknown>, facts: RequestFacts): void {
  const ua = facts.userAgent;
  if (ua.browser) context.browser = ua.browser;
  if (ua.os) context.os = ua.os;
  if (ua.device) context.device = { ...(plainObject(context.device) ? context.device : {}), ...ua.device };
  if (facts.geo && Object.keys(facts.geo).length > 0) context.location = facts.geo;
  if (facts.gpc) context.gpc = true;
}

function pageReferrer(context: Record<string, unknown>, properties: Record<string, unknown> | undefined): unknown {
  if (plainObject(context.page) && typeof context.page.referrer === 'string') return context.page.referrer;
  return properties?.referrer;
}

function sanitizedObject(v: Record<string, unknown>, limits: SanitizeLimits): Record<string, unknown> | undefined {
  const r = sanitizeEvent(v, limits);
  return r.ok ? (r.value as Record<string, unknown>) : undefined;
}

function plainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deadLetterText(v: unknown): string {
  if (typeof v === 'string') return truncateString(v, DEAD_LETTER_PAYLOAD_CHARS);
  try {
    const r = sanitizeEvent(v, { ...DEFAULT_SANITIZE_LIMITS, maxBytes: 1024 * 1024, stringLength: 256 });
    const text = r.ok ? JSON.stringify(r.value) : '(unmeasurable)';
    return truncateString(text, DEAD_LETTER_PAYLOAD_CHARS);
  } catch {
    return '(unserializable)';
  }
}
