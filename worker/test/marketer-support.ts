import { env, runDurableObjectAlarm, SELF } from 'cloudflare:test';
import { applyD1Migrations } from '../src/storage/apply-d1-migrations';
import { indexSummary } from '../src/storage/index-summary';
import { profileIndexStatement } from '../src/storage/profile-index';
import { ORIGIN, SECRET_KEY, freshIp } from './support';

const ADMIN = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };

/** GET on the marketer API with a secret key (or none with `key: null`). */
export async function api(path: string, opts: { key?: string | null; method?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'cf-connecting-ip': freshIp(), ...opts.headers };
  const key = opts.key === undefined ? SECRET_KEY : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  return SELF.fetch(`${ORIGIN}${path}`, { method: opts.method ?? 'GET', headers });
}

export async function apiJson<T = any>(path: string, opts: Parameters<typeof api>[1] = {}): Promise<{ status: number; body: T; res: Response }> {
  const res = await api(path, opts);
  return { status: res.status, body: (await res.json()) as T, res };
}

/** A new tenant with its own write and secret keys (admin API). */
export async function newTenant(name = 'Other shop'): Promise<{ tenantId: string; writeKey: string; secretKey: string }> {
  const res = await SELF.fetch(`${ORIGIN}/v1/admin/tenants`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ name }) });
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { tenant: { id: string }; writeKey: { key: string }; secretKey: { key: string } };
  return { tenantId: body.tenant.id, writeKey: body.writeKey.key, secretKey: body.secretKey.key };
}

/** Runs the index alarm of these profiles now (instead of waiting INDEX_DELAY_MS). */
export async function indexNow(tenantId: string, profileKeys: string[]): Promise<void> {
  for (const key of profileKeys) await runDurableObjectAlarm(env.PROFILES.get(env.PROFILES.idFromName(`${tenantId}:${key}`)));
}

export function profileId(tenantId: string, profileKey: string): string {
  return env.PROFILES.idFromName(`${tenantId}:${profileKey}`).toString();
}

export interface SeedRow {
  id: string;
  name?: string;
  email?: string;
  orders: number;
  revenue: number;
  lastSeen: number;
  rfmSegment?: string;
  country?: string;
  traits?: Record<string, string | number | boolean>;
}

/** Writes index rows the way the profile objects' alarm does (list tests over many rows). */
export async function seedIndex(tenantId: string, rows: SeedRow[]): Promise<void> {
  await applyD1Migrations(env.DB);
  const statements: D1PreparedStatement[] = [];
  for (const r of rows) {
    const traits: Record<string, { value: unknown }> = {};
    for (const [k, v] of Object.entries({ ...(r.name ? { name: r.name } : {}), ...(r.email ? { email: r.email } : {}), ...(r.traits ?? {}) })) traits[k] = { value: v };
    const summary = indexSummary({
      identity: { userId: r.id, anonymousIds: [], emails: r.email ? [r.email] : [] },
      traits: { all: traits },
      commerce: { orders: r.orders, revenue: r.revenue },
      rfm: { segment: r.rfmSegment ?? null },
      behavior: { firstSeen: new Date(r.lastSeen - 86_400_000).toISOString(), lastSeen: new Date(r.lastSeen).toISOString() },
      now: { location: r.country ? { country: r.country } : null },
    });
    statements.push(profileIndexStatement(env.DB, { tenantId, profileId: r.id, profileKey: `user:${r.id}`, eventCount: r.orders, summary, now: Date.now() }));
  }
  for (let i = 0; i < statements.length; i += 100) await env.DB.batch(statements.slice(i, i + 100));
}
