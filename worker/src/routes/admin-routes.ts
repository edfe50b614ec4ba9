import { Hono, type MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { httpError } from '../middleware/error-handler';
import { applyD1Migrations } from '../storage/apply-d1-migrations';
import { createKey, createTenant, listKeys, sha256Hex, updateKey } from '../storage/key-store';

/**
 * Tenants and keys for production, guarded by the `ADMIN_TOKEN` secret
 * (`Authorization: Bearer <ADMIN_TOKEN>`). Without the secret the admin API is off.
 *
 * - `POST /v1/admin/tenants` `{name, allowedOrigins?}` => 201 tenant + first write and secret keys (shown once)
 * - `POST /v1/admin/tenants/:tenantId/keys` `{kind: "write"|"secret", name?, allowedOrigins?}` => 201 key (shown once)
 * - `GET /v1/admin/tenants/:tenantId/keys` => keys without secrets
 * - `PATCH /v1/admin/keys/:keyId` `{disabled?, allowedOrigins?}`
 */
export function adminRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/v1/admin/*', adminAuth());
  app.post('/v1/admin/tenants', async function postTenant(c) {
    const body = await jsonBody(c.req.raw);
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (name === '' || name.length > 200) throw httpError(400, 'invalid_name', '"name" is required (1-200 characters).');
    const created = await createTenant(c.env.DB, name, origins(body.allowedOrigins));
    return c.json(created, 201);
  });
  app.post('/v1/admin/tenants/:tenantId/keys', async function postKey(c) {
    const body = await jsonBody(c.req.raw);
    if (body.kind !== 'write' && body.kind !== 'secret') throw httpError(400, 'invalid_kind', '"kind" must be "write" or "secret".');
    const tenant = await c.env.DB.prepare('SELECT id FROM tenants WHERE id = ?').bind(c.req.param('tenantId')).first();
    if (!tenant) throw httpError(404, 'not_found', 'No tenant with this id.');
    const key = await createKey(c.env.DB, c.req.param('tenantId'), body.kind, {
      name: typeof body.name === 'string' ? body.name.slice(0, 200) : undefined,
      allowedOrigins: origins(body.allowedOrigins),
    });
    return c.json(key, 201);
  });
  app.get('/v1/admin/tenants/:tenantId/keys', async function getKeys(c) {
    return c.json({ keys: await listKeys(c.env.DB, c.req.param('tenantId')) });
  });
  app.patch('/v1/admin/keys/:keyId', async function patchKey(c) {
    const body = await jsonBody(c.req.raw);
    if (body.disabled !== undefined && typeof body.disabled !== 'boolean') throw httpError(400, 'invalid_disabled', '"disabled" must be a boolean.');
    const found = await updateKey(c.env.DB, c.req.param('keyId'), {
      disabled: body.disabled as boolean | undefined,
      allowedOrigins: body.allowedOrigins === undefined ? undefined : origins(body.allowedOrigins),
    });
    if (!found) throw httpError(404, 'not_found', 'No key with this id.');
    return c.json({ ok: true });
  });
  return app;
}

function adminAuth(): MiddlewareHandler<AppEnv> {
  return async function adminAuth(c, next) {
    const token = c.env.ADMIN_TOKEN;
    if (!token) throw httpError(403, 'admin_disabled', 'The admin API is off: set the ADMIN_TOKEN secret (wrangler secret put ADMIN_TOKEN).');
    const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!presented) throw httpError(401, 'missing_admin_token', 'Send "Authorization: Bearer <ADMIN_TOKEN>".');
    const [a, b] = await Promise.all([sha256Hex(presented), sha256Hex(token)]);
    if (!timingSafeEqual(a, b)) throw httpError(401, 'invalid_admin_token', 'Wrong admin token.');
    await applyD1Migrations(c.env.DB);
    await next();
  };
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function jsonBody(req: Request): Promise<Record<string, unknown>> {
  try {
    const v = await req.json();
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw httpError(400, 'invalid_json', 'Send a JSON object body.');
}

function origins(v: unknown): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || !v.every((o) => typeof o === 'string')) {
    throw httpError(400, 'invalid_origins', '"allowedOrigins" must be an array of origins like "https://shop.example".');
  }
  const out: string[] = [];
  for (const o of v as string[]) {
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw httpError(400, 'invalid_origins', `${JSON.stringify(o)} is not an origin like "https://shop.example".`);
    }
    out.push(url.origin);
  }
  return out;
}
