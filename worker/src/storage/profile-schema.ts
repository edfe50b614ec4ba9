/**
 * The whole SQL schema of one profile's Durable Object (SQLite), in one place.
 * Every statement is idempotent; the object runs them when it starts.
 */
export const PROFILE_SCHEMA: readonly string[] = [
  // tenant_id, profile_key, created_at, forward_to (set once merged into another profile).
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // The timeline. message_id is unique: it is the dedupe record for as long as the event is kept.
  // hash: unused, always '' (a repeated messageId is checked by comparing bodies,
  // samePayload); it stays because tables created earlier declare it NOT NULL, and their
  // older rows keep the payload hash they were stored with.
  // seq is the rowid (max + 1, no AUTOINCREMENT: that costs a sqlite_sequence update per
  // insert). A seq is never reused while the profile lives: rows are only deleted all at once,
  // when the profile is merged away (it forwards from then on) or erased (storage wiped).
  // Objects created before this keep their AUTOINCREMENT table; both number rows the same way.
  `CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT,
    order_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    moved_from TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS events_order ON events (order_at, seq)`,
  // A messageId reused with a different payload: kept apart, never merged into the timeline.
  `CREATE TABLE IF NOT EXISTS conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    body TEXT NOT NULL
  )`,
  // Other profile keys known to be this person (linked) or refused a merge.
  `CREATE TABLE IF NOT EXISTS identities (profile_key TEXT PRIMARY KEY, status TEXT NOT NULL, at INTEGER NOT NULL)`,
  // Every merge into (or out of) this profile: what, when, why.
  `CREATE TABLE IF NOT EXISTS merge_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    direction TEXT NOT NULL,
    other_key TEXT NOT NULL,
    outcome TEXT NOT NULL,
    events_moved INTEGER NOT NULL,
    reason TEXT NOT NULL,
    message_id TEXT
  )`,
  // The portrait, one JSON row, updated with every stored event.
  `CREATE TABLE IF NOT EXISTS portrait (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)`,
];
