import type { Env } from '../env';
import { loadDefinitions } from './definition-store';
import { rememberDefinitions } from './tenant-definitions';

/** What `GET /v1/segments/:id` shows about the backfill of that segment's version. */
export interface BackfillStatus {
  /** `pending` until a pass reaches this version; `done` when a finished pass covered it. */
  status: 'pending' | 'running' | 'done' | 'failed';
  processed: number;
  total: number;
  /** Profiles whose memberships or computed traits the pass changed. */
  changed: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

/**
 * After a save or delete: this isolate's copy of the definitions is updated at once (its
 * profile objects use it on their next event) and the tenant's backfill pass is started
 * (or restarted) for the new version, so existing profiles are evaluated without new events.
 */
export async function definitionsChanged(env: Env, tenantId: string): Promise<number> {
  const defs = await loadDefinitions(env.DB, tenantId);
  rememberDefinitions(tenantId, defs);
  await env.BACKFILL.get(env.BACKFILL.idFromName(tenantId)).start(tenantId, defs.version);
  return defs.version;
}

/** Status of the backfill for a definition saved at `version`. */
export async function backfillStatus(db: D1Database, tenantId: string, version: number): Promise<BackfillStatus> {
  const job = await db
    .prepare('SELECT version, status, processed, changed, total, started_at, finished_at, error FROM backfill_jobs WHERE tenant_id = ?')
    .bind(tenantId)
    .first<{ version: number; status: BackfillStatus['status']; processed: number; changed: number; total: number; started_at: number; finished_at: number | null; error: string | null }>();
  if (!job || job.version < version) return { status: 'pending', processed: 0, total: 0, changed: 0, startedAt: null, finishedAt: null, error: null };
  return {
    status: job.status,
    processed: job.processed,
    total: job.total,
    changed: job.changed,
    startedAt: new Date(job.started_at).toISOString(),
    finishedAt: job.finished_at === null ? null : new Date(job.finished_at).toISOString(),
    error: job.error,
  };
}
