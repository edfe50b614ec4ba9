/** A profile's current segment memberships: segment id => since (ISO). */
export type MembershipMap = Record<string, { since: string }>;

/**
 * Statements replacing one profile's rows in `segment_members` with `memberships`
 * (null: the profile is gone, merged or erased). A row is only written while its
 * segment still exists, so a late writer never resurrects a deleted segment's members.
 */
export function membershipStatements(db: D1Database, tenantId: string, profileId: string, memberships: MembershipMap | null): D1PreparedStatement[] {
  const out = [db.prepare('DELETE FROM segment_members WHERE tenant_id = ? AND profile_id = ?').bind(tenantId, profileId)];
  const rows = Object.entries(memberships ?? {}).map(([segmentId, m]) => [segmentId, Date.parse(m.since) || Date.now()]);
  if (rows.length > 0) {
    // One JSON parameter however many segments (D1 limits bound parameters and compound SELECTs).
    out.push(
      db
        .prepare(
          `INSERT OR REPLACE INTO segment_members (tenant_id, segment_id, profile_id, entered_at)
           SELECT ?, json_extract(j.value, '$[0]'), ?, json_extract(j.value, '$[1]') FROM json_each(?) j
           WHERE EXISTS (SELECT 1 FROM segments s WHERE s.tenant_id = ? AND s.id = json_extract(j.value, '$[0]'))`,
        )
        .bind(tenantId, profileId, JSON.stringify(rows), tenantId),
    );
  }
  return out;
}

/** Writes one profile's memberships to the D1 index (one transaction). */
export async function syncProfileMemberships(db: D1Database, tenantId: string, profileId: string, memberships: MembershipMap | null): Promise<void> {
  await db.batch(membershipStatements(db, tenantId, profileId, memberships));
}

/** Writes many profiles' memberships in one D1 transaction (the backfill's pages). */
export async function syncManyMemberships(db: D1Database, tenantId: string, rows: Array<{ profileId: string; memberships: MembershipMap | null }>): Promise<void> {
  const statements = rows.flatMap((r) => membershipStatements(db, tenantId, r.profileId, r.memberships));
  if (statements.length > 0) await db.batch(statements);
}
