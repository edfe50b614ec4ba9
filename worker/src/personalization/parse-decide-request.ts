import type { FieldError } from './campaign-types';

/** Most slots one decision request may name. */
export const MAX_DECIDE_SLOTS = 20;
/** Largest decision request body, bytes. */
export const MAX_DECIDE_BYTES = 16 * 1024;

export interface DecideRequestBody {
  writeKey?: string;
  anonymousId: string;
  userId?: string;
  slots: string[];
  page: { url: string; path: string; referrer: string };
}

const SLOT = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Validate the body of `POST /v1/decide` (see packages/personalize/src/decision-types.ts).
 *
 * @example parseDecideRequest({ anonymousId: 'a1', slots: ['hero'], page: { url: 'https://shop.example/', path: '/', referrer: '' } })
 */
export function parseDecideRequest(body: unknown): { ok: true; value: DecideRequestBody } | { ok: false; error: FieldError } {
  const fail = (field: string, message: string) => ({ ok: false as const, error: { field, message } });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('(body)', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.anonymousId !== 'string' || !b.anonymousId.trim() || b.anonymousId.length > 100) return fail('anonymousId', 'must be the visitor\'s anonymous id (1-100 characters)');
  if (b.userId !== undefined && b.userId !== null && (typeof b.userId !== 'string' || b.userId.length > 100)) return fail('userId', 'must be a string of at most 100 characters');
  if (!Array.isArray(b.slots) || b.slots.length === 0) return fail('slots', 'must be a non-empty array of slot names');
  if (b.slots.length > MAX_DECIDE_SLOTS) return fail('slots', `must name at most ${MAX_DECIDE_SLOTS} slots`);
  for (const s of b.slots) if (typeof s !== 'string' || !SLOT.test(s)) return fail('slots', 'slot names are 1-64 letters, digits, "-" or "_"');
  const page = typeof b.page === 'object' && b.page !== null && !Array.isArray(b.page) ? (b.page as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 2048) : '');
  return {
    ok: true,
    value: {
      writeKey: typeof b.writeKey === 'string' ? b.writeKey : undefined,
      anonymousId: b.anonymousId,
      userId: typeof b.userId === 'string' && b.userId ? b.userId : undefined,
      slots: [...new Set(b.slots as string[])],
      page: { url: text(page.url), path: text(page.path), referrer: text(page.referrer) },
    },
  };
}
