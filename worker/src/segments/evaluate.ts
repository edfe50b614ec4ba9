/** Evaluates a segment rule against a rendered portrait at a given time. Pure. */
import type { Portrait } from '../profiles/render-portrait';
import type { EventCondition, FieldCondition, Scalar, SegmentRule } from './segment-rule';

const DAY_MS = 86_400_000;

/** Resolves a rule's field path in a portrait (see segment-rule.ts for the path forms). */
export function resolveField(portrait: Portrait, field: string): unknown {
  const parts = field.split('.');
  let cur: unknown = portrait;
  if (parts[0] === 'traits' && parts.length > 1 && !['all', 'reserved', 'derived'].includes(parts[1])) {
    const trait = Object.hasOwn(portrait.traits.all, parts[1]) ? portrait.traits.all[parts[1]] : undefined;
    cur = trait?.value;
    parts.splice(0, 2);
  }
  for (const part of parts) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const asTime = (v: unknown): number => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN);

/** Compares numbers as numbers, ISO dates as times, other strings case-sensitively; null when incomparable. */
function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && Number.isFinite(Number(b))) return a - Number(b);
  if (typeof a === 'string' && typeof b === 'number' && a.trim() !== '' && Number.isFinite(Number(a))) return Number(a) - b;
  const ta = asTime(a);
  const tb = asTime(b);
  if (Number.isFinite(ta) && Number.isFinite(tb)) return ta - tb;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

const equal = (a: unknown, b: Scalar | undefined) => {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
};

function fieldMatches(c: FieldCondition, value: unknown, now: number): boolean {
  const v = c.value;
  switch (c.op) {
    case 'exists': {
      const present = value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
      return v === false ? !present : present;
    }
    case 'eq': return Array.isArray(value) ? value.some((x) => equal(x, v as Scalar)) : equal(value, v as Scalar);
    case 'neq': return Array.isArray(value) ? !value.some((x) => equal(x, v as Scalar)) : !equal(value, v as Scalar);
    case 'gt': case 'gte': case 'lt': case 'lte': {
      const d = compare(value, v);
      if (d === null || Number.isNaN(d)) return false;
      return c.op === 'gt' ? d > 0 : c.op === 'gte' ? d >= 0 : c.op === 'lt' ? d < 0 : d <= 0;
    }
    case 'between': {
      const [lo, hi] = v as Scalar[];
      const a = compare(value, lo);
      const b = compare(value, hi);
      return a !== null && b !== null && a >= 0 && b <= 0;
    }
    case 'in': return (v as Scalar[]).some((x) => (Array.isArray(value) ? value.some((y) => equal(y, x)) : equal(value, x)));
    case 'contains': {
      const needle = String(v).toLowerCase();
      if (typeof value === 'string') return value.toLowerCase().includes(needle);
      if (Array.isArray(value)) return value.some((x) => (typeof x === 'string' ? x.toLowerCase() === needle : typeof x === 'number' && String(x) === needle));
      if (value && typeof value === 'object') return Object.hasOwn(value, String(v));
      return false;
    }
    case 'starts_with': return typeof value === 'string' && value.toLowerCase().startsWith(String(v).toLowerCase());
    case 'within_last_days': {
      const t = typeof value === 'number' ? value : asTime(value);
      return Number.isFinite(t) && t <= now && t >= now - (v as number) * DAY_MS;
    }
  }
}

/** Count of an event in the last `withinDays` UTC days including today (all time without a window). */
export function eventCount(portrait: Portrait, name: string, now: number, withinDays?: number): number {
  const e = Object.hasOwn(portrait.events, name) ? portrait.events[name] : undefined;
  if (!e) return 0;
  if (withinDays === undefined) return e.total;
  const to = new Date(now).toISOString().slice(0, 10);
  const from = new Date(now - (withinDays - 1) * DAY_MS).toISOString().slice(0, 10);
  let n = 0;
  for (const [day, c] of Object.entries(e.daily)) if (day >= from && day <= to) n += c;
  return n;
}

function eventMatches(c: EventCondition, portrait: Portrait, now: number): boolean {
  const n = eventCount(portrait, c.event, now, c.withinDays);
  if (c.op === undefined) return n >= (typeof c.value === 'number' ? c.value : 1);
  return fieldMatches({ field: 'count', op: c.op, value: c.value as Scalar | Scalar[] }, n, now);
}

/**
 * True when the portrait matches the rule at `now`. The rule must be valid
 * (validateSegmentRule); an invalid part never matches.
 */
export function evaluate(rule: SegmentRule, portrait: Portrait, now: number | string | Date): boolean {
  const t = now instanceof Date ? now.getTime() : typeof now === 'string' ? Date.parse(now) : now;
  const r = rule as Record<string, unknown>;
  if (Array.isArray(r.all)) return (r.all as SegmentRule[]).every((x) => evaluate(x, portrait, t));
  if (Array.isArray(r.any)) return (r.any as SegmentRule[]).some((x) => evaluate(x, portrait, t));
  if (r.not && typeof r.not === 'object') return !evaluate(r.not as SegmentRule, portrait, t);
  if (typeof r.field === 'string') return fieldMatches(rule as FieldCondition, resolveField(portrait, r.field), t);
  if (typeof r.event === 'string') return eventMatches(rule as EventCondition, portrait, t);
  return false;
}
