/** A write key (public, one per site/source) or a secret key (marketer API). */
export interface KeyRecord {
  id: string;
  tenantId: string;
  kind: 'write' | 'secret';
  /** Origins allowed to send with this write key; null => any origin. */
  allowedOrigins: string[] | null;
  disabled: boolean;
}

export const DEMO_TENANT_ID = 'demo';
export const DEMO_WRITE_KEY = 'wk_demo';
export const DEMO_SECRET_KEY = 'sk_demo';

const POSITIVE_TTL_MS = 60_000;
const NEGATIVE_TTL_MS = 10_000;
const cache = new Map<string, { record: KeyRecord | null; expires: number }>();

/** SHA-256 of a key, hex. Keys are only ever stored and compared in this form. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Finds the key record for a presented key, cached per isolate (60 s for known keys,
 * 10 s for unknown ones, so random keys cannot hammer D1). Admin changes in this isolate
 * clear the cache at once; other isolates see them within the TTL.
 */
export async function lookupKey(db: D1Database, key: string, now = Date.now()): Promise<KeyRecord | null> {
  if (key === '' || key.length > 200) return null;
  // Cached by the presented key (in memory only), so a hit costs no digest either.
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.record;
  const hash = await sha256Hex(key);
  const row = await db
    .prepare('SELECT id, tenant_id, kind, allowed_origins, disabled_at FROM api_keys WHERE key_hash = ?')
    .bind(hash)
    .first<{ id: string; tenant_id: string; kind: 'write' | 'secret'; allowed_origins: string | null; disabled_at: number | null }>();
  const record: KeyRecord | null = row
    ? {
        id: row.id,
        tenantId: row.tenant_id,
        kind: row.kind,
        allowedOrigins: row.allowed_origins ? (JSON.parse(row.allowed_origins) as string[]) : null,
        disabled: row.disabled_at !== null,
      }
    : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { record, expires: now + (record ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS) });
  return record;
}

/** Forget cached key lookups (after an admin change). */
export function clearKeyCache(): void {
  cache.clear();
}

/** Creates the development demo tenant and its fixed keys if missing. Development only. */
export async function ensureDemoTenant(db: D1Database): Promise<void> {
  const now = Date.now();
  await db.batch([
    db.prepare('INSERT OR IGNORE INTO tenants (id, name, created_at) VALUES (?, ?, ?)').bind(DEMO_TENANT_ID, 'Demo shop', now),
    db
      .prepare('INSERT OR IGNORE INTO api_keys (id, tenant_id, kind, key_hash, key_hint, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind('key_demo_write', DEMO_TENANT_ID, 'write', await sha256Hex(DEMO_WRITE_KEY), DEMO_WRITE_KEY, 'Demo site', now),
    db
      .prepare('INSERT OR IGNORE INTO api_keys (id, tenant_id, kind, key_hash, key_hint, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind('key_demo_secret', DEMO_TENANT_ID, 'secret', await sha256Hex(DEMO_SECRET_KEY), DEMO_SECRET_KEY, 'Demo marketer', now),
  ]);
}

export interface CreatedKey {
  id: string;
  tenantId: string;
  kind: 'write' | 'secret';
  /** The key itself: shown once, stored only hashed. */
  key: string;
  name: string | null;
  allowedOrigins: string[] | null;
}

/** Creates a key for a tenant. The clear key is returned once and never stored. */
export async function createKey(
  db: D1Database,
  tenantId: string,
  kind: 'write' | 'secret',
  opts: { name?: string; allowedOrigins?: string[] | null } = {},
): Promise<CreatedKey> {
  const key = `${kind === 'write' ? 'wk' : 'sk'}_${randomToken(kind === 'write' ? 16 : 32)}`;
  const id = `key_${randomToken(8)}`;
  const origins = opts.allowedOrigins && opts.allowedOrigins.length > 0 ? opts.allowedOrigins : null;
  await db
    .prepare(
      'INSERT INTO api_keys (id, tenant_id, kind, key_hash, key_hint, name, allowed_origins, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(id, tenantId, kind, await sha256Hex(key), `${key.slice(0, 7)}...`, opts.name ?? null, origins ? JSON.stringify(origins) : null, Date.now())
    .run();
  clearKeyCache();
  return { id, tenantId, kind, key, name: opts.name ?? null, allowedOrigins: origins };
}

/** Creates a tenant with one write key and one secret key. */
export async function createTenant(db: D1Database, name: string, allowedOrigins: string[] | null = null) {
  const id = `tn_${randomToken(8)}`;
  await db.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)').bind(id, name, Date.now()).run();
  const writeKey = await createKey(db, id, 'write', { name: 'Default write key', allowedOrigins });
  const secretKey = await createKey(db, id, 'secret', { name: 'Default secret key' });
  return { tenant: { id, name }, writeKey, secretKey };
}

/** Disables/enables a key or changes its allowed origins. Null when the key does not exist. */
export async function updateKey(
  db: D1Database,
  keyId: string,
  change: { disabled?: boolean; allowedOrigins?: string[] | null },
): Promise<boolean> {
  const sets: string[] = [];
  const args: unknown[] = [];
  if (change.disabled !== undefined) {
    sets.push('disabled_at = ?');
    args.push(change.disabled ? Date.now() : null);
  }
  if (change.allowedOrigins !== undefined) {
    sets.push('allowed_origins = ?');
    args.push(change.allowedOrigins && change.allowedOrigins.length ? JSON.stringify(change.allowedOrigins) : null);
  }
  if (sets.length === 0) return true;
  const r = await db.prepare(`UPDATE api_keys SET ${sets.join(', ')} WHERE id = ?`).bind(...args, keyId).run();
  clearKeyCache();
  return r.meta.changes > 0;
}

/** The tenant's keys without their secrets. */
export async function listKeys(db: D1Database, tenantId: string) {
  const { results } = await db
    .prepare('SELECT id, kind, key_hint, name, allowed_origins, disabled_at, created_at FROM api_keys WHERE tenant_id = ? ORDER BY created_at')
    .bind(tenantId)
    .all<{ id: string; kind: string; key_hint: string; name: string | null; allowed_origins: string | null; disabled_at: number | null; created_at: number }>();
  return results.map((r) => ({
    id: r.id,
    kind: r.kind,
    hint: r.key_hint,
    name: r.name,
    allowedOrigins: r.allowed_origins ? (JSON.parse(r.allowed_origins) as string[]) : null,
    disabled: r.disabled_at !== null,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

function randomToken(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}
