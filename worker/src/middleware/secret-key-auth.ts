import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { applyD1Migrations } from '../storage/apply-d1-migrations';
import { lookupKey } from '../storage/key-store';
import { ensureDevTenant } from '../storage/dev-tenant';
import { httpError } from './error-handler';
import { checkMarketerRate } from './marketer-rate-limit';

/**
 * Marketer API authentication: `Authorization: Bearer <secret key>`. Write keys are public
 * (they sit in web pages) and are refused here. Rate limited per key (429). Sets `tenantId`.
 */
export function secretKeyAuth(): MiddlewareHandler<AppEnv> {
  return async function secretKeyAuth(c, next) {
    checkMarketerRate(c);
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw httpError(401, 'missing_secret_key', 'Send your secret key as "Authorization: Bearer sk_...".', { 'www-authenticate': 'Bearer' });
    }
    await applyD1Migrations(c.env.DB);
    await ensureDevTenant(c.env);
    const record = await lookupKey(c.env.DB, match[1]);
    if (!record) throw httpError(401, 'invalid_secret_key', 'Unknown secret key.', { 'www-authenticate': 'Bearer' });
    if (record.kind !== 'secret') {
      throw httpError(403, 'write_key_not_allowed', 'This is a write key: it can only send events. Use a secret key for the marketer API.');
    }
    if (record.disabled) throw httpError(403, 'secret_key_disabled', 'This secret key is disabled.');
    c.set('tenantId', record.tenantId);
    await next();
  };
}
