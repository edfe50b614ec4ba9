/**
 * Placeholder values that clients send when they have no real id. They never name a
 * person, so they never select a profile and never merge anything (what Segment and
 * PostHog refuse too).
 */
const BLOCKED = new Set([
  'anonymous', 'anon', 'guest', 'visitor', 'user', 'null', 'undefined', 'nil', 'none', 'nan',
  'n/a', 'na', 'unknown', 'true', 'false', '[object object]', 'id', 'distinct_id',
  'not_authenticated', 'email', '{}', '[]', '""', "''", '-1',
]);

/**
 * True when `id` is a placeholder rather than an identifier: empty, a known placeholder
 * (case-insensitive), or only zeros and dashes (`0`, `-`, `00000000-0000-...`).
 *
 * @example
 * isBlockedId('[object Object]') // true
 * isBlockedId('user-42')         // false
 */
export function isBlockedId(id: string | undefined | null): boolean {
  if (id === undefined || id === null) return true;
  const v = id.trim().toLowerCase();
  return v === '' || BLOCKED.has(v) || /^[0-]*$/.test(v);
}
