/** A profile's current segment memberships: segment id => since (ISO). */
export type MembershipMap = Record<string, { since: string }>;

/** Bound parameters per statement stay well under D1's 100. */
const CHUNK = 20;

/**
 * Statements replacing one profile's rows in `segment_members` with `memberships`
 * (null: the profile is gone, merged or erased). A row is only written while its
 * segment still exists, so a late writer never resurrects a deleted segment's members.
 */
export function membershipStatements(db: D1Database, tenantId: string, profileId: string, memberships: MembershipMap | null): D1PreparedStatement[] {
  const out = [db.prepare('DELETE FROM segment_members WHERE tenant_id = ? AND profile_id = ?').bind(tenantId, profileId)];
  const entries = Object.entries(memberships ?? {});
  for (let i = 0; i < entries.length; i += CHUNK) {
    const part = entries.slice(i, i + CHUNK);
    const values = part.map(() => 'SELECT ? AS segment_id, ? AS entered_at').join(' UNION ALL ');
    const args: unknown[] = [];
    for (const [segmentId, m] of part) args.push(segmentId, Date.parse(m.since) || Date.now());
    out.push(
      db
        .prepare(
          `INSERT OR REPLACE INTO segment_members (tenant_id, segment_id, profile_id, entered_at)
           SELECT ?, v.segment_id, ?, v.entered_at FROM (${values}) v
           WHERE EXISTS (SELECT 1 FROM segments s WHERE s.tenant_id = ? AND s.id = v.segment_id)`,
        )
        .bind(tenantId, profileId, ...args, tenantId),
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
