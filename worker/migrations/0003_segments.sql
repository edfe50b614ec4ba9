-- Segments: a tenant's audiences as JSON rules (worker/src/segments/segment-rule.ts).
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
