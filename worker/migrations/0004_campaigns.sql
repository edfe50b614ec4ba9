-- Personalization campaigns (worker/src/personalization): body is the validated campaign JSON.
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
