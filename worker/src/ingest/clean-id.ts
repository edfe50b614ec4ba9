import { LIMITS } from '@portrait/protocol';

export type CleanIdResult =
  | { ok: true; value: string | undefined; changed: boolean }
  | { ok: false; message: string };

// NUL and other C0/C1 control characters, and UTF-16 surrogates without their pair.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Cleans one identifier (messageId, userId, anonymousId, groupId, previousId): numbers
 * become strings, control characters and lone surrogates are removed, whitespace trimmed.
 * Absent, null or empty-after-cleaning => `value: undefined`. Objects, booleans and ids
 * longer than `LIMITS.idLength` are errors: truncating an id could fuse two people.
 *
 * @example
 * cleanId('user\u0000-1') // { ok: true, value: 'user-1', changed: true }
 */
export function cleanId(raw: unknown, field: string): CleanIdResult {
  if (raw === undefined || raw === null) return { ok: true, value: undefined, changed: false };
  let value: string;
  if (typeof raw === 'string') value = raw;
  else if (typeof raw === 'number' && Number.isFinite(raw)) value = String(raw);
  else return { ok: false, message: `${field} must be a string (got ${Array.isArray(raw) ? 'array' : typeof raw}).` };
  const cleaned = value.replace(UNSAFE_CHARS, '').trim();
  if (cleaned.length > LIMITS.idLength) {
    return { ok: false, message: `${field} is ${cleaned.length} characters; the limit is ${LIMITS.idLength}.` };
  }
  return { ok: true, value: cleaned === '' ? undefined : cleaned, changed: cleaned !== value };
}
