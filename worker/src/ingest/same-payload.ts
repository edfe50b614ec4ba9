/** Top-level fields of a stored event the collector sets on each delivery attempt. */
const PER_ATTEMPT = new Set(['receivedAt', 'sentAt', 'timestamp', 'flags']);

/**
 * Context fields the collector derives from the request (request.cf, User-Agent, Sec-GPC);
 * `device` is merged with the parsed User-Agent, so it is left out whole.
 */
const PER_ATTEMPT_CONTEXT = new Set(['location', 'browser', 'os', 'device', 'gpc']);

/**
 * Whether two stored copies of an event (timeline bodies, JSON text) carry the same client
 * payload: a retry of one event, not a messageId reused for another. Compared as data, so
 * key order does not matter, leaving out what the collector sets on each attempt: receive
 * and send times, the skew-corrected `timestamp` (the device's own stamp stays, as
 * `originalTimestamp`), flags, and the context taken from the request.
 * Only a messageId seen twice pays for this; ingest stores no payload hash.
 *
 * @example
 * samePayload(storedBody, JSON.stringify(retry)) // true: same event, sent again an hour later
 */
export function samePayload(a: string, b: string): boolean {
  if (a === b) return true;
  let x: unknown;
  let y: unknown;
  try {
    x = JSON.parse(a);
    y = JSON.parse(b);
  } catch {
    return false;
  }
  return sameData(clientPart(x), clientPart(y));
}

/** The event without the per-attempt fields (a shallow copy; the input is not changed). */
function clientPart(event: unknown): unknown {
  if (!isObject(event)) return event;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(event)) {
    if (PER_ATTEMPT.has(key)) continue;
    const value = event[key];
    if (key === 'context' && isObject(value)) {
      const context: Record<string, unknown> = {};
      for (const k of Object.keys(value)) if (!PER_ATTEMPT_CONTEXT.has(k)) context[k] = value[k];
      out[key] = context;
    } else out[key] = value;
  }
  return out;
}

/** Deep equality of JSON data (stored bodies are sanitized, so the nesting is bounded). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isObject(a) || !isObject(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || !sameData(a[key], b[key])) return false;
  return true;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
