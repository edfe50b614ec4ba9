/**
 * The D1 migrations, in order, exactly as in worker/migrations/ (a test keeps the two
 * equal). The worker applies the ones not yet applied on its first request, recording
 * them in the same `d1_migrations` table `wrangler d1 migrations apply` uses, so local
 * development needs no extra step and production can use either path.
 */
export const D1_MIGRATIONS: ReadonlyArray<{ name: string; sql: string }> = [
  {
    name: '0001_collector.sql',
    sql: String.raw`-- Tenants (workspaces) and their keys. Keys are stored as SHA-256 hex, never in clear.
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
  {
    name: '0002_profile_index.sql',
    sql: String.raw`-- What marketer lists filter and sort on, filled by each profile object's alarm from its
-- portrait. Sorts use keyset pagination on (sort column, profile_id), so each sort has
-- its own index and every page is an index range scan, whatever the tenant's size.
ALTER TABLE profiles ADD COLUMN name TEXT;
ALTER TABLE profiles ADD COLUMN email TEXT;
ALTER TABLE profiles ADD COLUMN orders INTEGER NOT NULL DEFAULT 0;
ALTER TABLE profiles ADD COLUMN revenue REAL NOT NULL DEFAULT 0;
ALTER TABLE profiles ADD COLUMN rfm_segment TEXT;
ALTER TABLE profiles ADD COLUMN country TEXT;
ALTER TABLE profiles ADD COLUMN traits TEXT;
CREATE INDEX IF NOT EXISTS profiles_seen_id ON profiles(tenant_id, last_seen, profile_id);
CREATE INDEX IF NOT EXISTS profiles_revenue_id ON profiles(tenant_id, revenue, profile_id);
CREATE INDEX IF NOT EXISTS profiles_orders_id ON profiles(tenant_id, orders, profile_id);
CREATE INDEX IF NOT EXISTS profiles_email ON profiles(tenant_id, email);
CREATE INDEX IF NOT EXISTS profiles_rfm ON profiles(tenant_id, rfm_segment);
-- Ids of erased people, as SHA-256 of "<tenant>\n<user|anon>:<id>" (never in clear):
-- ingest rejects their events with reason "suppressed".
CREATE TABLE IF NOT EXISTS suppressed_ids (
  tenant_id TEXT NOT NULL,
  id_hash TEXT NOT NULL,
  job_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id_hash)
);
-- Erasure requests (DELETE /v1/profiles/:id, POST /v1/erase): status only, no personal data.
CREATE TABLE IF NOT EXISTS erasure_jobs (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  ref_hash TEXT NOT NULL,
  via TEXT NOT NULL,
  status TEXT NOT NULL,
  profiles_erased INTEGER NOT NULL DEFAULT 0,
  events_erased INTEGER NOT NULL DEFAULT 0,
  ids_suppressed INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS erasure_jobs_tenant ON erasure_jobs(tenant_id, created_at);
`,
  },
  {
    name: '0003_segments.sql',
    sql: String.raw`-- Segments: a tenant's audiences as JSON rules (worker/src/segments/segment-rule.ts).
-- version is the tenant's definition version at the segment's last save.
CREATE TABLE IF NOT EXISTS segments (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  rule TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
-- Computed traits (worker/src/profiles/computed-traits.ts): definition is the JSON the portrait reads.
CREATE TABLE IF NOT EXISTS computed_traits (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
-- Bumped by every change to a tenant's segments or computed traits; profile objects
-- compare it with the version they last applied.
CREATE TABLE IF NOT EXISTS definition_versions (
  tenant_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);
-- Current members of each segment, written by the profile objects (index alarm) and the backfill.
CREATE TABLE IF NOT EXISTS segment_members (
  tenant_id TEXT NOT NULL,
  segment_id TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  entered_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, segment_id, profile_id)
);
CREATE INDEX IF NOT EXISTS segment_members_profile ON segment_members(tenant_id, profile_id);
-- One backfill per tenant: re-evaluates every profile against definition version, page by page.
CREATE TABLE IF NOT EXISTS backfill_jobs (
  tenant_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  cursor TEXT,
  processed INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  error TEXT
);
`,
  },
  {
    name: '0004_campaigns.sql',
    sql: String.raw`-- Personalization campaigns (worker/src/personalization): body is the validated campaign JSON.
CREATE TABLE IF NOT EXISTS campaigns (
  tenant_id TEXT NOT NULL,
  id TEXT NOT NULL,
  slot TEXT NOT NULL,
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS campaigns_status ON campaigns(tenant_id, status);
-- One row per visitor and campaign: the arm given (sticky: 'holdout' or a variant id), when
-- the slot was first/last seen (Promotion Viewed), recent view times for the frequency cap,
-- the first click and the first goal conversion inside the attribution window.
CREATE TABLE IF NOT EXISTS campaign_visitors (
  tenant_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  arm TEXT NOT NULL,
  assigned_at INTEGER NOT NULL,
  first_viewed_at INTEGER,
  last_viewed_at INTEGER,
  views INTEGER NOT NULL DEFAULT 0,
  recent_views TEXT NOT NULL DEFAULT '[]',
  clicked_at INTEGER,
  converted_at INTEGER,
  PRIMARY KEY (tenant_id, campaign_id, visitor_id)
);
CREATE INDEX IF NOT EXISTS campaign_visitors_visitor ON campaign_visitors(tenant_id, visitor_id);
CREATE INDEX IF NOT EXISTS campaign_visitors_arm ON campaign_visitors(tenant_id, campaign_id, arm);
`,
  },
  {
    name: '0005_rfm.sql',
    sql: String.raw`-- RFM insights. Each profile object's index alarm writes the time of the last order
-- (epoch ms, NULL without orders), so recency can be read from the index; rows written
-- before this column existed fall back to last_seen until the profile's next alarm.
ALTER TABLE profiles ADD COLUMN last_order_at INTEGER;
-- Tenant-wide insights computed from the index: kind 'rfm' holds the RFM quintile cut
-- points (JSON, insights/rfm-cut-points.ts) that every portrait scores r/f/m against.
CREATE TABLE IF NOT EXISTS tenant_insights (
  tenant_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  computed_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, kind)
);
`,
  },
];
