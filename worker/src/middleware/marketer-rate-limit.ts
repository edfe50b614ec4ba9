import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { httpError } from './error-handler';

/** Requests per minute per secret key (or per IP when no key is sent): 100/s like Segment's Profile API, unless RATE_MARKETER_PER_MIN says otherwise. */
export const DEFAULT_MARKETER_PER_MIN = 6_000;

const buckets = new Map<string, { tokens: number; at: number }>();

/**
 * Takes one token from the bucket `who` (burst = one minute's allowance, refilling
 * continuously). Returns 0 when allowed, else the seconds to wait. State lives in the
 * isolate, like the ingest limits: no shared write per request.
 */
export function takeToken(who: string, perMinute: number, now = Date.now()): number {
  if (perMinute <= 0) return 0;
  const b = buckets.get(who) ?? { tokens: perMinute, at: now };
  b.tokens = Math.min(perMinute, b.tokens + ((now - b.at) / 60_000) * perMinute);
  b.at = now;
  if (buckets.size > 50_000) buckets.clear();
  buckets.set(who, b);
  if (b.tokens < 1) return Math.max(1, Math.ceil(((1 - b.tokens) * 60_000) / perMinute / 1000));
  b.tokens -= 1;
  return 0;
}

function marketerPerMinute(c: Context<AppEnv>): number {
  const configured = Number((c.env as unknown as Record<string, unknown>).RATE_MARKETER_PER_MIN ?? DEFAULT_MARKETER_PER_MIN);
  return Number.isFinite(configured) ? configured : DEFAULT_MARKETER_PER_MIN;
}

/**
 * Marketer API rate limit per presented secret key, or per client IP for requests
 * without one, so neither a script looping on the API nor someone guessing keys or
 * profile ids gets far. Throws 429 with `Retry-After`.
 */
export function checkMarketerRate(c: Context<AppEnv>): void {
  const perMinute = marketerPerMinute(c);
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  const who = bearer ? `k|${bearer}` : `i|${c.req.header('cf-connecting-ip') ?? 'unknown'}`;
  const wait = takeToken(who, perMinute);
  if (wait > 0) {
    throw httpError(429, 'rate_limited', `Too many requests (${perMinute} per minute per key). Retry after ${wait} s.`, { 'retry-after': String(wait) });
  }
}
