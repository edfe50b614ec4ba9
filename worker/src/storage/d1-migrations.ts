/**
 * The D1 migrations, in order, exactly as in worker/migrations/ (a test keeps the two
 * equal). The worker applies the ones not yet applied on its first request, recording
 * them in the same `d1_migrations` table `wrangler d1 migrations apply` uses, so local
 * development needs no extra step and production can use either path.
 */
export const D1_MIGRATIONS: ReadonlyArray<{ name: string; sql: string }> = [
  {
    name: '0001_collector.sql',
    sql: `-- Tenants (workspaces) and their keys. Keys are stored as SHA-256 hex, never in clear.
CREATE TABLE IF NOT EXISTS tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  kind TEXT NOT NULL CHECK (kind IN ('write', 'secret')),
  key_hash TEXT NOT NULL UNIQUE,
  key_hint TEXT NOT NULL,
  name TEXT,
  allowed_origins TEXT,
  disabled_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS api_keys_tenant ON api_keys(tenant_id);
-- Rejected events, truncated, for the marketer to read (GET /v1/dead-letters).
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  event_index INTEGER,
  message_id TEXT,
  payload TEXT
);
CREATE INDEX IF NOT EXISTS dead_letters_tenant ON dead_letters(tenant_id, id);
-- What ingest refused, discarded or changed, per tenant and UTC day (GET /v1/ingest/stats).
CREATE TABLE IF NOT EXISTS ingest_counters (
  tenant_id TEXT NOT NULL,
  day TEXT NOT NULL,
  counter TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, day, counter)
);
-- Marketer-side index of profiles, written by each profile object's alarm (seconds of lag).
CREATE TABLE IF NOT EXISTS profiles (
  tenant_id TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  profile_key TEXT NOT NULL,
  user_id TEXT,
  anonymous_ids TEXT,
  event_count INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER,
  last_seen INTEGER,
  merged_into TEXT,
  summary TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, profile_id)
);
CREATE INDEX IF NOT EXISTS profiles_last_seen ON profiles(tenant_id, last_seen);
CREATE INDEX IF NOT EXISTS profiles_user ON profiles(tenant_id, user_id);
`,
  },
];
