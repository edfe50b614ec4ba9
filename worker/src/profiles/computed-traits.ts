/**
 * Computed traits: per-tenant definitions (count, sum, avg, min, max, first, last,
 * most_frequent, unique values of an event property, over a sliding window of days)
 * evaluated incrementally. Each definition keeps small per-day buckets in the state
 * (one `all` bucket without a window), so a value is read without a timeline scan.
 */
import type { JsonValue } from '@portrait/protocol';
import type { ComputedBucket, ProfileState } from './profile-state';
import { dayNumber } from './event-time';

export const COMPUTED_TRAIT_TYPES = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last', 'most_frequent', 'unique'] as const;
export type ComputedTraitType = (typeof COMPUTED_TRAIT_TYPES)[number];

export interface ComputedTraitDefinition {
  /** Stable id; the state keeps the accumulator under it. */
  id: string;
  /** Name the value has in `portrait.computed` (defaults to id). */
  key?: string;
  type: ComputedTraitType;
  /** Event name the trait reads (`Page Viewed` for page events). */
  event: string;
  /** Property path in `properties` (dots for nesting). Required except for `count`. */
  property?: string;
  /** Sliding window in days; all time when omitted. */
  windowDays?: number;
}

export interface ValidationError { path: string; message: string }

const MAX_VALUES = 100;
const NEEDS_NUMBER = new Set(['sum', 'avg', 'min', 'max']);

/** Validates a definition; returns the list of problems, each naming its field. */
export function validateComputedTrait(def: unknown, path = ''): ValidationError[] {
  const p = (k: string) => (path ? `${path}.${k}` : k);
  if (!def || typeof def !== 'object' || Array.isArray(def)) return [{ path: path || '(root)', message: 'a computed trait must be an object' }];
  const d = def as Record<string, unknown>;
  const errors: ValidationError[] = [];
  if (typeof d.id !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(d.id)) errors.push({ path: p('id'), message: 'id must be 1-100 letters, digits, _ . : or -' });
  if (d.key !== undefined && (typeof d.key !== 'string' || d.key === '' || d.key.length > 100)) errors.push({ path: p('key'), message: 'key must be a non-empty string of at most 100 characters' });
  if (!COMPUTED_TRAIT_TYPES.includes(d.type as ComputedTraitType)) errors.push({ path: p('type'), message: `type must be one of ${COMPUTED_TRAIT_TYPES.join(', ')}` });
  if (typeof d.event !== 'string' || d.event === '' || d.event.length > 200) errors.push({ path: p('event'), message: 'event must be the name of an event (1-200 characters)' });
  if (d.type !== 'count' && (typeof d.property !== 'string' || d.property === '')) errors.push({ path: p('property'), message: `a ${String(d.type)} trait needs the property it reads` });
  if (d.property !== undefined && typeof d.property !== 'string') errors.push({ path: p('property'), message: 'property must be a string' });
  if (d.windowDays !== undefined && !(Number.isInteger(d.windowDays) && (d.windowDays as number) >= 1 && (d.windowDays as number) <= 3650)) errors.push({ path: p('windowDays'), message: 'windowDays must be a whole number of days from 1 to 3650' });
  return errors;
}

function readPath(source: unknown, path: string): unknown {
  let cur = source;
  for (const part of path.split('.')) {
    if (!cur || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const emptyBucket = (): ComputedBucket => ({ count: 0, sum: 0, numeric: 0, min: null, max: null, first: null, last: null, values: {} });

/** Adds one matching event to every definition that reads it. */
export function applyComputedTraits(state: ProfileState, defs: ComputedTraitDefinition[], eventName: string, properties: unknown, at: number): void {
  for (const def of defs) {
    if (def.event !== eventName) continue;
    const value = def.property ? readPath(properties, def.property) : undefined;
    if (def.type !== 'count' && (value === undefined || value === null)) continue;
    const acc = (state.computed[def.id] ??= {});
    const key = def.windowDays ? String(dayNumber(at)) : 'all';
    const b = (acc[key] ??= emptyBucket());
    b.count++;
    const n = typeof value === 'number' && Number.isFinite(value) ? value : null;
    if (n !== null) {
      b.sum += n;
      b.numeric++;
      b.min = b.min === null ? n : Math.min(b.min, n);
      b.max = b.max === null ? n : Math.max(b.max, n);
    }
    if (value !== undefined) {
      if (!b.first || at < b.first.at) b.first = { at, value: value as JsonValue };
      if (!b.last || at >= b.last.at) b.last = { at, value: value as JsonValue };
      if (def.type === 'most_frequent' || def.type === 'unique') {
        const v = typeof value === 'object' ? JSON.stringify(value) : String(value);
        if (Object.hasOwn(b.values, v)) b.values[v]++;
        else if (Object.keys(b.values).length < MAX_VALUES) b.values[v] = 1;
      }
    }
    if (def.windowDays) {
      // Drop buckets that can never be inside the window again.
      const newest = Math.max(...Object.keys(acc).map(Number));
      for (const k of Object.keys(acc)) if (Number(k) <= newest - def.windowDays) delete acc[k];
    }
  }
}

/** The value of one computed trait at `now`; null when nothing matched in the window. */
export function computedTraitValue(state: ProfileState, def: ComputedTraitDefinition, now: number): JsonValue {
  const acc = state.computed[def.id];
  const total = emptyBucket();
  if (acc) {
    const from = def.windowDays ? dayNumber(now) - def.windowDays + 1 : -Infinity;
    for (const [k, b] of Object.entries(acc)) {
      if (k !== 'all' && (Number(k) < from || Number(k) > dayNumber(now))) continue;
      total.count += b.count;
      total.sum += b.sum;
      total.numeric += b.numeric;
      if (b.min !== null) total.min = total.min === null ? b.min : Math.min(total.min, b.min);
      if (b.max !== null) total.max = total.max === null ? b.max : Math.max(total.max, b.max);
      if (b.first && (!total.first || b.first.at < total.first.at)) total.first = b.first;
      if (b.last && (!total.last || b.last.at >= total.last.at)) total.last = b.last;
      for (const [v, c] of Object.entries(b.values)) total.values[v] = (total.values[v] ?? 0) + c;
    }
  }
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  switch (def.type) {
    case 'count': return total.count;
    case 'sum': return round(total.sum);
    case 'avg': return total.numeric ? round(total.sum / total.numeric) : null;
    case 'min': return total.min;
    case 'max': return total.max;
    case 'first': return total.first?.value ?? null;
    case 'last': return total.last?.value ?? null;
    case 'most_frequent': {
      let best: string | null = null;
      for (const [v, c] of Object.entries(total.values)) if (best === null || c > total.values[best] || (c === total.values[best] && v < best)) best = v;
      return best;
    }
    case 'unique': return Object.keys(total.values).sort();
  }
}

/** Values of all definitions, keyed by each definition's `key` (or id). */
export function computedTraitValues(state: ProfileState, defs: ComputedTraitDefinition[], now: number): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const def of defs) out[def.key ?? def.id] = computedTraitValue(state, def, now);
  return out;
}

/** Fills a new definition's accumulator from past events (the timeline), e.g. when a definition is saved. */
export function backfillComputedTrait(state: ProfileState, def: ComputedTraitDefinition, events: Iterable<{ type?: unknown; event?: unknown; properties?: unknown; timestamp?: string; receivedAt?: string }>): void {
  delete state.computed[def.id];
  for (const e of events) {
    const name = e.type === 'track' ? e.event : e.type === 'page' ? 'Page Viewed' : e.type === 'screen' ? 'Screen Viewed' : null;
    if (name !== def.event) continue;
    const at = Date.parse(e.timestamp ?? e.receivedAt ?? '');
    if (Number.isFinite(at)) applyComputedTraits(state, [def], name, e.properties, at);
  }
}
