import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { IngestError } from '../ingest/ingest-error';
import { lookupKey, type KeyRecord } from '../storage/key-store';

/**
 * The write key a visitor-facing request presents: HTTP Basic user (`base64("KEY:")`,
 * as Segment clients send it), else `Bearer KEY` (so a secret key sent that way is named
 * and refused), else `writeKey` in the JSON body (browsers' text/plain requests).
 */
export function presentedWriteKey(header: string | undefined, body: unknown): string | undefined {
  if (header) {
    const key = keyFromHeader(header);
    if (key) return key;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const key = (body as Record<string, unknown>).writeKey;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** The key an Authorization header names (Basic user, or Bearer token), if any. */
function keyFromHeader(header: string): string | undefined {
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (value && /^basic$/i.test(scheme)) {
    let decoded: string;
    try {
      decoded = atob(value);
    } catch {
      throw new IngestError(401, 'invalid_authorization', 'The Basic credentials are not valid base64; send base64("WRITE_KEY:").');
    }
    return decoded.split(':')[0] || undefined;
  }
  if (value && /^bearer$/i.test(scheme)) return value;
  return undefined;
}

/**
 * Checks a write key for a visitor-facing route (ingest, decide, erase): known, a write
 * key (never a secret key: those must not be on a page), enabled, and allowed for the
 * request's Origin. `secretKeyHint` tells a developer who sent a secret key what to do.
 */
export async function authorizeWriteKey(c: Context<AppEnv>, key: string | undefined, secretKeyHint: string): Promise<KeyRecord> {
  if (!key) {
    throw new IngestError(401, 'missing_write_key', 'No write key: send it as HTTP Basic user ("Authorization: Basic base64(KEY:)") or as "writeKey" in the body.');
  }
  const record = await lookupKey(c.env.DB, key);
  if (!record) throw new IngestError(401, 'invalid_write_key', 'Unknown write key. Check the key in your snippet or client settings.');
  if (record.kind !== 'write') throw new IngestError(403, 'secret_key_not_allowed', `This is a secret key: never send it from a page or app. ${secretKeyHint}`);
  if (record.disabled) throw new IngestError(403, 'write_key_disabled', 'This write key is disabled; requests made with it are refused.');
  const origin = c.req.header('origin');
  if (origin && record.allowedOrigins && !record.allowedOrigins.includes(origin)) {
    c.set('corsDenied', true);
    throw new IngestError(403, 'origin_not_allowed', `Origin ${origin} is not allowed for this write key.`);
  }
  return record;
}
