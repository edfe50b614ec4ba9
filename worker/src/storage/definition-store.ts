import type { ComputedTraitDefinition } from '../profiles/computed-traits';
import type { SegmentDefinition, SegmentRule } from '../segments/segment-rule';
import { parseRfmInsight, rfmInsightStatement, type RfmInsight } from './rfm-insights';

/** Everything a profile object needs to keep segments and computed traits current. */
export interface TenantDefinitions {
  /** The tenant's definition version: bumped by every save or delete. */
  version: number;
  segments: SegmentDefinition[];
  computedTraits: ComputedTraitDefinition[];
  /** The tenant's RFM quintile cut points (rfm-insights.ts), recomputed on their own schedule: null until computed. */
  rfm?: RfmInsight | null;
}

export interface SegmentRecord {
  id: string;
  name: string;
  rule: SegmentRule;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface ComputedTraitRecord {
  id: string;
  name: string;
  definition: ComputedTraitDefinition;
  createdAt: string;
  updatedAt: string;
  version: number;
}

interface SegmentRow { id: string; name: string; rule: string; created_at: number; updated_at: number; version: number }
interface TraitRow { id: string; name: string; definition: string; created_at: number; updated_at: number; version: number }

const BUMP = `INSERT INTO definition_versions (tenant_id, version) VALUES (?, 1)
  ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1`;
const CURRENT = '(SELECT version FROM definition_versions WHERE tenant_id = ?)';

const toSegment = (r: SegmentRow): SegmentRecord => ({
  id: r.id, name: r.name, rule: JSON.parse(r.rule) as SegmentRule,
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(), version: r.version,
});

const toTrait = (r: TraitRow): ComputedTraitRecord => ({
  id: r.id, name: r.name, definition: JSON.parse(r.definition) as ComputedTraitDefinition,
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(), version: r.version,
});

const isUniqueViolation = (err: unknown) => /UNIQUE constraint failed/i.test(String((err as Error)?.message ?? err));

/** The tenant's current definition version (0 before the first save). */
export async function readDefinitionVersion(db: D1Database, tenantId: string): Promise<number> {
  const row = await db.prepare('SELECT version FROM definition_versions WHERE tenant_id = ?').bind(tenantId).first<{ version: number }>();
  return row?.version ?? 0;
}

/** All of a tenant's segments and computed traits with their version, read in one consistent batch. */
export async function loadDefinitions(db: D1Database, tenantId: string): Promise<TenantDefinitions> {
  const [v, s, t, r] = await db.batch([
    db.prepare('SELECT version FROM definition_versions WHERE tenant_id = ?').bind(tenantId),
    db.prepare('SELECT id, name, rule FROM segments WHERE tenant_id = ? ORDER BY id').bind(tenantId),
    db.prepare('SELECT id, name, definition FROM computed_traits WHERE tenant_id = ? ORDER BY id').bind(tenantId),
    rfmInsightStatement(db, tenantId),
  ]);
  return {
    version: (v.results[0] as { version: number } | undefined)?.version ?? 0,
    segments: (s.results as Array<{ id: string; name: string; rule: string }>).map((r) => ({ id: r.id, name: r.name, rule: JSON.parse(r.rule) as SegmentRule })),
    computedTraits: (t.results as Array<{ definition: string }>).map((row) => JSON.parse(row.definition) as ComputedTraitDefinition),
    rfm: parseRfmInsight(r.results[0] as { value: string; computed_at: number } | undefined),
  };
}

// ---------------------------------------------------------------- segments

/** Segments with their member counts (from segment_members). */
export async function listSegments(db: D1Database, tenantId: string): Promise<Array<SegmentRecord & { count: number }>> {
  const { results } = await db
    .prepare(
      `SELECT s.id, s.name, s.rule, s.created_at, s.updated_at, s.version,
         (SELECT count(*) FROM segment_members m WHERE m.tenant_id = s.tenant_id AND m.segment_id = s.id) AS count
       FROM segments s WHERE s.tenant_id = ? ORDER BY s.name, s.id`,
    )
    .bind(tenantId)
    .all<SegmentRow & { count: number }>();
  return results.map((r) => ({ ...toSegment(r), count: r.count }));
}

export async function getSegment(db: D1Database, tenantId: string, id: string): Promise<(SegmentRecord & { count: number }) | null> {
  const row = await db
    .prepare(
      `SELECT s.id, s.name, s.rule, s.created_at, s.updated_at, s.version,
         (SELECT count(*) FROM segment_members m WHERE m.tenant_id = s.tenant_id AND m.segment_id = s.id) AS count
       FROM segments s WHERE s.tenant_id = ? AND s.id = ?`,
    )
    .bind(tenantId, id)
    .first<SegmentRow & { count: number }>();
  return row ? { ...toSegment(row), count: row.count } : null;
}

/** Creates a segment; null when the id is taken. */
export async function createSegment(db: D1Database, tenantId: string, def: SegmentDefinition, now = Date.now()): Promise<SegmentRecord | null> {
  try {
    await db.batch([
      db.prepare(BUMP).bind(tenantId),
      db.prepare(`INSERT INTO segments (tenant_id, id, name, rule, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ${CURRENT})`)
        .bind(tenantId, def.id, def.name, JSON.stringify(def.rule), now, now, tenantId),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  return getSegment(db, tenantId, def.id);
}

/** Updates name and/or rule; null when there is no such segment. */
export async function updateSegment(
  db: D1Database, tenantId: string, id: string, patch: { name?: string; rule?: SegmentRule }, now = Date.now(),
): Promise<SegmentRecord | null> {
  const existing = await getSegment(db, tenantId, id);
  if (!existing) return null;
  const name = patch.name ?? existing.name;
  const rule = patch.rule ?? existing.rule;
  const [, updated] = await db.batch([
    db.prepare(BUMP).bind(tenantId),
    db.prepare(`UPDATE segments SET name = ?, rule = ?, updated_at = ?, version = ${CURRENT} WHERE tenant_id = ? AND id = ?`)
      .bind(name, JSON.stringify(rule), now, tenantId, tenantId, id),
  ]);
  if (!updated.meta.changes) return null;
  return getSegment(db, tenantId, id);
}

/** Deletes a segment and its membership rows; false when there was none. */
export async function deleteSegment(db: D1Database, tenantId: string, id: string): Promise<boolean> {
  const exists = await db.prepare('SELECT 1 AS x FROM segments WHERE tenant_id = ? AND id = ?').bind(tenantId, id).first();
  if (!exists) return false;
  await db.batch([
    db.prepare(BUMP).bind(tenantId),
    db.prepare('DELETE FROM segments WHERE tenant_id = ? AND id = ?').bind(tenantId, id),
    db.prepare('DELETE FROM segment_members WHERE tenant_id = ? AND segment_id = ?').bind(tenantId, id),
  ]);
  return true;
}

// ---------------------------------------------------------------- computed traits

export async function listComputedTraits(db: D1Database, tenantId: string): Promise<ComputedTraitRecord[]> {
  const { results } = await db
    .prepare('SELECT id, name, definition, created_at, updated_at, version FROM computed_traits WHERE tenant_id = ? ORDER BY name, id')
    .bind(tenantId)
    .all<TraitRow>();
  return results.map(toTrait);
}

export async function getComputedTrait(db: D1Database, tenantId: string, id: string): Promise<ComputedTraitRecord | null> {
  const row = await db
    .prepare('SELECT id, name, definition, created_at, updated_at, version FROM computed_traits WHERE tenant_id = ? AND id = ?')
    .bind(tenantId, id)
    .first<TraitRow>();
  return row ? toTrait(row) : null;
}

/** Creates a computed trait; null when the id is taken. */
export async function createComputedTrait(
  db: D1Database, tenantId: string, name: string, def: ComputedTraitDefinition, now = Date.now(),
): Promise<ComputedTraitRecord | null> {
  try {
    await db.batch([
      db.prepare(BUMP).bind(tenantId),
      db.prepare(`INSERT INTO computed_traits (tenant_id, id, name, definition, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ${CURRENT})`)
        .bind(tenantId, def.id, name, JSON.stringify(def), now, now, tenantId),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  return getComputedTrait(db, tenantId, def.id);
}

/** Replaces a computed trait's name and definition; null when there is no such trait. */
export async function updateComputedTrait(
  db: D1Database, tenantId: string, name: string, def: ComputedTraitDefinition, now = Date.now(),
): Promise<ComputedTraitRecord | null> {
  const exists = await db.prepare('SELECT 1 AS x FROM computed_traits WHERE tenant_id = ? AND id = ?').bind(tenantId, def.id).first();
  if (!exists) return null;
  await db.batch([
    db.prepare(BUMP).bind(tenantId),
    db.prepare(`UPDATE computed_traits SET name = ?, definition = ?, updated_at = ?, version = ${CURRENT} WHERE tenant_id = ? AND id = ?`)
      .bind(name, JSON.stringify(def), now, tenantId, tenantId, def.id),
  ]);
  return getComputedTrait(db, tenantId, def.id);
}

export async function deleteComputedTrait(db: D1Database, tenantId: string, id: string): Promise<boolean> {
  const exists = await db.prepare('SELECT 1 AS x FROM computed_traits WHERE tenant_id = ? AND id = ?').bind(tenantId, id).first();
  if (!exists) return false;
  await db.batch([
    db.prepare(BUMP).bind(tenantId),
    db.prepare('DELETE FROM computed_traits WHERE tenant_id = ? AND id = ?').bind(tenantId, id),
  ]);
  return true;
}
