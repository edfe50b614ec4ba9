import { LIMITS } from '@portrait/protocol';

/** Bounds applied to one event. Defaults are the protocol's LIMITS. */
export interface SanitizeLimits {
  /** Largest accepted event, in bytes of its JSON (measured on the input, before any truncation). */
  maxBytes: number;
  /** Most object keys across the whole event; later keys are dropped. */
  keys: number;
  /** Deepest nesting of objects/arrays; deeper values are dropped. */
  depth: number;
  /** Longest string, in UTF-16 code units; longer ones are truncated. */
  stringLength: number;
  /**
   * Measure the JSON size (default true). The caller may skip it when the whole request
   * body is no larger than `maxBytes`, so no event in it can be. Then an input already
   * within every limit is returned as is (not copied): pass data the caller owns, such as
   * a fresh JSON.parse result, since later changes to it are changes to the result.
   */
  measure?: boolean;
}

export const DEFAULT_SANITIZE_LIMITS: SanitizeLimits = {
  maxBytes: LIMITS.eventBytes,
  keys: LIMITS.keys,
  depth: LIMITS.depth,
  stringLength: LIMITS.stringLength,
};

/** What the sanitizer had to change, so the event can be flagged and counted. */
export interface SanitizeStats {
  droppedKeys: number;
  cutDepth: number;
  truncatedStrings: number;
  unsafeKeys: number;
}

export type SanitizeResult =
  | { ok: true; value: unknown; bytes: number; stats: SanitizeStats }
  | { ok: false; bytes: number };

/** Keys that could reach an object's prototype when copied with assignment semantics. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface Frame {
  src: unknown[] | Record<string, unknown>;
  /** Output container, or null when this subtree is only measured (dropped). */
  dst: unknown[] | Record<string, unknown> | null;
  keys: string[] | null;
  i: number;
  depth: number;
}

/**
 * Copies one parsed event into fresh plain data (or, unmeasured and already within every
 * limit, returns it as is: see `measure`) while measuring its JSON size, without
 * recursion (a 100,000-deep input cannot overflow the stack). Over `maxBytes` => not ok,
 * and the walk stops as soon as the limit is passed, so the work per event is bounded.
 * Otherwise: `__proto__` / `constructor` / `prototype` keys are dropped, keys past
 * `limits.keys` dropped, containers deeper than `limits.depth` dropped, long strings
 * truncated; each change is counted in `stats`.
 *
 * @example
 * const r = sanitizeEvent(JSON.parse(body));
 * if (!r.ok) reject('event_too_large');
 */
export function sanitizeEvent(input: unknown, limits: SanitizeLimits = DEFAULT_SANITIZE_LIMITS): SanitizeResult {
  const stats: SanitizeStats = { droppedKeys: 0, cutDepth: 0, truncatedStrings: 0, unsafeKeys: 0 };
  // Not measured (the caller knows it is small enough) and nothing to change: the input is
  // its own copy (fresh from JSON.parse), so no second object tree is built.
  if (limits.measure === false && isContainer(input) && withinLimits(input, 0, limits, { keys: limits.keys })) {
    return { ok: true, value: input, bytes: 0, stats };
  }
  if (!isContainer(input)) {
    const bytes = primitiveBytes(input, limits.maxBytes);
    if (bytes > limits.maxBytes) return { ok: false, bytes };
    return { ok: true, value: copyPrimitive(input, limits, stats), bytes, stats };
  }
  const measure = limits.measure !== false;
  let bytes = 2;
  let keyCount = 0;
  const rootDst = Array.isArray(input) ? [] : {};
  const stack: Frame[] = [frameFor(input, rootDst, 0)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const length = frame.keys ? frame.keys.length : (frame.src as unknown[]).length;
    if (frame.i >= length) {
      stack.pop();
      continue;
    }
    const index = frame.i++;
    if (measure && index > 0) bytes += 1;
    let key: string | number = index;
    let dst = frame.dst;
    if (frame.keys) {
      key = frame.keys[index];
      if (measure) bytes += stringBytes(key, limits.maxBytes) + 1;
      if (dst) {
        if (UNSAFE_KEYS.has(key)) {
          stats.unsafeKeys++;
          dst = null;
        } else if (++keyCount > limits.keys) {
          stats.droppedKeys++;
          dst = null;
        }
      }
    }
    const value = (frame.src as Record<string | number, unknown>)[key];
    if (isContainer(value)) {
      if (measure) bytes += 2;
      const depth = frame.depth + 1;
      let childDst: unknown[] | Record<string, unknown> | null = null;
      if (dst) {
        if (depth > limits.depth) stats.cutDepth++;
        else {
          childDst = Array.isArray(value) ? [] : {};
          put(dst, key, childDst);
        }
      }
      if (bytes > limits.maxBytes) return { ok: false, bytes };
      stack.push(frameFor(value, childDst, depth));
      continue;
    }
    if (measure) {
      bytes += primitiveBytes(value, limits.maxBytes);
      if (bytes > limits.maxBytes) return { ok: false, bytes };
    }
    if (dst && value !== undefined) put(dst, key, copyPrimitive(value, limits, stats));
  }
  return { ok: true, value: rootDst, bytes, stats };
}

/**
 * Whether `container` (at `depth`) already satisfies everything the copy would enforce: no
 * unsafe key, at most `budget.keys` keys in all, no container deeper than `limits.depth`,
 * no string longer than `limits.stringLength`, no undefined or non-finite value. Recursion
 * stops at `limits.depth`: anything deeper answers false at once.
 */
function withinLimits(container: unknown[] | Record<string, unknown>, depth: number, limits: SanitizeLimits, budget: { keys: number }): boolean {
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) if (!valueWithinLimits(container[i], depth, limits, budget)) return false;
    return true;
  }
  const keys = Object.keys(container);
  budget.keys -= keys.length;
  if (budget.keys < 0) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (UNSAFE_KEYS.has(key) || !valueWithinLimits(container[key], depth, limits, budget)) return false;
  }
  return true;
}

function valueWithinLimits(v: unknown, depth: number, limits: SanitizeLimits, budget: { keys: number }): boolean {
  switch (typeof v) {
    case 'string': return v.length <= limits.stringLength;
    case 'number': return Number.isFinite(v);
    case 'undefined': return false;
    case 'object': return v === null || (depth + 1 <= limits.depth && withinLimits(v as unknown[] | Record<string, unknown>, depth + 1, limits, budget));
    default: return true;
  }
}

function frameFor(src: unknown[] | Record<string, unknown>, dst: Frame['dst'], depth: number): Frame {
  return { src, dst, keys: Array.isArray(src) ? null : Object.keys(src), i: 0, depth };
}

function put(dst: unknown[] | Record<string, unknown>, key: string | number, value: unknown): void {
  if (Array.isArray(dst)) dst.push(value);
  else dst[key as string] = value;
}

function isContainer(v: unknown): v is unknown[] | Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function copyPrimitive(v: unknown, limits: SanitizeLimits, stats: SanitizeStats): unknown {
  if (typeof v === 'string' && v.length > limits.stringLength) {
    stats.truncatedStrings++;
    return truncateString(v, limits.stringLength);
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/** Cuts a string to at most `max` code units without splitting a surrogate pair. */
export function truncateString(s: string, max: number): string {
  if (s.length <= max) return s;
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

function primitiveBytes(v: unknown, cap: number): number {
  switch (typeof v) {
    case 'string': return stringBytes(v, cap);
    case 'number': return Number.isFinite(v) ? String(v).length : 4;
    case 'boolean': return v ? 4 : 5;
    default: return 4; // null (undefined never comes out of JSON.parse)
  }
}

/**
 * Bytes of `s` as a JSON string literal (quotes, escapes, UTF-8), counting stops once
 * past `cap` so a 1 MB string costs no more than the limit.
 */
export function stringBytes(s: string, cap: number): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) n += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c === 0x22 || c === 0x5c) n += 2;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 6; // lone surrogate: JSON writes it as a six-character \u escape
    } else if (c >= 0xd800 && c <= 0xdfff) n += 6;
    else n += 3;
    if (n > cap) return n;
  }
  return n;
}
