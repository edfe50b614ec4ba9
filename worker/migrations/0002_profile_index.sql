-- What marketer lists filter and sort on, filled by each profile object's alarm from its
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
