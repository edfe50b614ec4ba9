import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { applyD1Migrations } from './apply-d1-migrations';
import { loadDefinitions, type TenantDefinitions } from './definition-store';
import { syncManyMemberships, type MembershipMap } from './segment-members';
import { rememberDefinitions } from './tenant-definitions';

/** Profiles read from the index per page, and profile objects called at once. */
const PAGE = 100;
const CONCURRENCY = 8;
/** One alarm run stops starting pages after this long and schedules the next run. */
const SLICE_MS = 10_000;
/** Consecutive failed runs before the job is marked failed (each retry waits twice as long). */
const MAX_FAILURES = 6;
const DAY_MS = 86_400_000;
/** Daily re-evaluation time (UTC, after midnight): windows like "in the last 30 days" move with the clock. */
const DAILY_OFFSET_MS = 10 * 60_000;

/** The next daily re-evaluation after `now`. */
export function nextDailyRun(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS + DAILY_OFFSET_MS;
}

export interface BackfillJob {
  tenantId: string;
  /** Definition version the pass evaluates. */
  version: number;
  status: 'running' | 'done' | 'failed';
  /** Last profile id done (pages go in profile id order). */
  cursor: string;
  processed: number;
  /** Profiles whose memberships or computed traits changed. */
  changed: number;
  total: number;
  startedAt: number;
  finishedAt: number | null;
  failures: number;
  error: string | null;
  /** When the next daily re-evaluation pass starts (null: the tenant has no segments). */
  nextRunAt?: number | null;
}

/**
 * Backfill of one tenant's segments and computed traits, so memberships and counts are
 * right without waiting for new events. One object per tenant (named by tenant id);
 * `start(version)` (re)starts a pass that pages through the D1 profile index in profile id
 * order and hands every profile object the definitions. Progress is kept in the object
 * and mirrored to D1 `backfill_jobs` after each page, so a pass resumes where it stopped
 * (alarms survive restarts) and `GET /v1/segments/:id` can show it. A newer definition
 * version arriving mid-pass restarts the pass with it. While the tenant has segments, a
 * pass also runs once a day, so memberships that depend on time ("ordered in the last 30
 * days", "seen within 7 days") end when the time passes, without any new event.
 */
export class BackfillObject extends DurableObject<Env> {
  /** Starts (or restarts) a pass for `version` unless one at that version or newer is running or done. */
  async start(tenantId: string, version: number): Promise<BackfillJob> {
    const current = await this.ctx.storage.get<BackfillJob>('job');
    if (current && current.tenantId === tenantId && current.version >= version && current.status !== 'failed') return current;
    const total = await this.countProfiles(tenantId);
    const job: BackfillJob = {
      tenantId, version, status: 'running', cursor: '', processed: 0, changed: 0, total,
      startedAt: Date.now(), finishedAt: null, failures: 0, error: null,
    };
    await this.save(job);
    await this.ctx.storage.setAlarm(Date.now());
    return job;
  }

  override async alarm(): Promise<void> {
    const job = await this.ctx.storage.get<BackfillJob>('job');
    if (!job) return;
    if (job.status === 'done' && job.nextRunAt && Date.now() >= job.nextRunAt - 1000) {
      Object.assign(job, {
        status: 'running', cursor: '', processed: 0, changed: 0, total: await this.countProfiles(job.tenantId),
        startedAt: Date.now(), finishedAt: null, failures: 0, error: null, nextRunAt: null,
      });
      await this.save(job);
    }
    if (job.status !== 'running') return;
    try {
      await this.run(job);
    } catch (err) {
      // A start() meanwhile replaced this pass: leave its state alone, it runs next.
      if (!(await this.isCurrent(job).catch(() => false))) return void (await this.ctx.storage.setAlarm(Date.now()));
      job.failures++;
      job.error = err instanceof Error ? err.message : String(err);
      if (job.failures >= MAX_FAILURES) {
        job.status = 'failed';
        job.finishedAt = Date.now();
        console.error(`portrait: backfill of tenant ${job.tenantId} failed after ${job.failures} attempts`, err);
      } else {
        await this.ctx.storage.setAlarm(Date.now() + 1000 * 2 ** job.failures);
      }
      await this.save(job).catch((e) => console.warn('portrait: backfill status not saved', e));
    }
  }

  private async run(job: BackfillJob): Promise<void> {
    const db = this.env.DB;
    await applyD1Migrations(db);
    const defs = await loadDefinitions(db, job.tenantId);
    rememberDefinitions(job.tenantId, defs);
    if (defs.version > job.version) {
      Object.assign(job, { version: defs.version, cursor: '', processed: 0, changed: 0, total: await this.countProfiles(job.tenantId), startedAt: Date.now() });
      if (!(await this.replaces(job))) return void (await this.ctx.storage.setAlarm(Date.now()));
      await this.save(job);
    }
    const until = Date.now() + SLICE_MS;
    while (Date.now() < until) {
      const { results } = await db
        .prepare('SELECT profile_id FROM profiles WHERE tenant_id = ? AND profile_id > ? ORDER BY profile_id LIMIT ?')
        .bind(job.tenantId, job.cursor, PAGE)
        .all<{ profile_id: string }>();
      const rows = await this.applyTo(job.tenantId, results.map((r) => r.profile_id), defs);
      await syncManyMemberships(db, job.tenantId, rows);
      // A save meanwhile restarted the pass (start() wrote a newer job): the next run takes it.
      if (!(await this.isCurrent(job))) break;
      job.processed += results.length;
      job.changed += rows.filter((r) => r.changed).length;
      job.failures = 0;
      job.error = null;
      if (results.length > 0) job.cursor = results[results.length - 1].profile_id;
      if (results.length < PAGE) {
        job.status = 'done';
        job.finishedAt = Date.now();
        job.total = Math.max(job.total, job.processed);
        job.nextRunAt = defs.segments.length > 0 ? nextDailyRun(job.finishedAt) : null;
        await this.save(job);
        if (job.nextRunAt) await this.ctx.storage.setAlarm(job.nextRunAt);
        return;
      }
      await this.save(job);
    }
    await this.ctx.storage.setAlarm(Date.now());
  }

  /** True while `job` is still the stored pass (no start() replaced it meanwhile). */
  private async isCurrent(job: BackfillJob): Promise<boolean> {
    const stored = await this.ctx.storage.get<BackfillJob>('job');
    return !!stored && stored.version === job.version && stored.startedAt === job.startedAt;
  }

  /** True when `job` (a restart at a newer version) may replace the stored pass: nothing newer was started meanwhile. */
  private async replaces(job: BackfillJob): Promise<boolean> {
    const stored = await this.ctx.storage.get<BackfillJob>('job');
    return !stored || stored.version <= job.version;
  }

  /** Hands the definitions to each profile object, CONCURRENCY at a time. */
  private async applyTo(
    tenantId: string, profileIds: string[], defs: TenantDefinitions,
  ): Promise<Array<{ profileId: string; memberships: MembershipMap | null; changed: boolean }>> {
    const out: Array<{ profileId: string; memberships: MembershipMap | null; changed: boolean }> = [];
    for (let i = 0; i < profileIds.length; i += CONCURRENCY) {
      const part = profileIds.slice(i, i + CONCURRENCY);
      const done = await Promise.all(
        part.map(async (profileId) => {
          const stub = this.env.PROFILES.get(this.env.PROFILES.idFromString(profileId));
          const r = await stub.applyDefinitions(tenantId, defs);
          return r.status === 'ok'
            ? { profileId, memberships: r.memberships, changed: r.changed }
            : { profileId, memberships: null, changed: false };
        }),
      );
      out.push(...done);
    }
    return out;
  }

  private async countProfiles(tenantId: string): Promise<number> {
    await applyD1Migrations(this.env.DB);
    const row = await this.env.DB.prepare('SELECT count(*) AS n FROM profiles WHERE tenant_id = ?').bind(tenantId).first<{ n: number }>();
    return row?.n ?? 0;
  }

  private async save(job: BackfillJob): Promise<void> {
    await this.ctx.storage.put('job', job);
    await this.env.DB.prepare(
      `INSERT INTO backfill_jobs (tenant_id, version, status, cursor, processed, changed, total, started_at, finished_at, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id) DO UPDATE SET version = excluded.version, status = excluded.status, cursor = excluded.cursor,
         processed = excluded.processed, changed = excluded.changed, total = excluded.total, started_at = excluded.started_at,
         finished_at = excluded.finished_at, error = excluded.error`,
    )
      .bind(job.tenantId, job.version, job.status, job.cursor, job.processed, job.changed, job.total, job.startedAt, job.finishedAt, job.error)
      .run();
  }
}
