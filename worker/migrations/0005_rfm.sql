-- RFM insights. Each profile object's index alarm writes the time of the last order
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
