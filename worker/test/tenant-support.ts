import { SELF } from 'cloudflare:test';
import { ORIGIN, uid } from './support';

/** Helpers for tests that need a tenant of their own (segments, computed traits, RFM cut points are tenant-wide). */

const ADMIN = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };

export interface Tenant { id: string; write: string; secret: string }

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A fresh tenant with its write and secret keys, through the admin API. */
export async function newTenant(): Promise<Tenant> {
  const res = await SELF.fetch(`${ORIGIN}/v1/admin/tenants`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ name: uid('shop') }) });
  const t = (await res.json()) as { tenant: { id: string }; writeKey: { key: string }; secretKey: { key: string } };
  return { id: t.tenant.id, write: t.writeKey.key, secret: t.secretKey.key };
}

/** A marketer API call with the tenant's secret key; a body is sent as JSON (a string as is). */
export async function api(t: Tenant, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await SELF.fetch(`${ORIGIN}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Polls until `check` returns a value (not undefined/false), or fails naming `what`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
