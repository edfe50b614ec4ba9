import type { Env } from '../env';
import { sha256Hex } from './key-store';
import { hasSegmentMembers } from './profile-index';
import { profileCalls, type ResolvedProfile } from './profile-resolve';
import { suppressKeys } from './suppression';

/** What a profile object reports after wiping itself. */
export type ObjectErasure =
  | { status: 'not_found' }
  | { status: 'erased'; profileKey: string; linked: string[]; keys: string[]; events: number };

export type ErasureVia = 'api' | 'sdk';

export interface ErasureJob {
  jobId: string;
  status: 'running' | 'completed' | 'failed';
  via: ErasureVia;
  profilesErased: number;
  eventsErased: number;
  idsSuppressed: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface JobRow {
  id: string;
  status: ErasureJob['status'];
  via: ErasureVia;
  profiles_erased: number;
  events_erased: number;
  ids_suppressed: number;
  error: string | null;
  created_at: number;
  finished_at: number | null;
}

function toJob(r: JobRow): ErasureJob {
  return {
    jobId: r.id,
    status: r.status,
    via: r.via,
    profilesErased: r.profiles_erased,
    eventsErased: r.events_erased,
    idsSuppressed: r.ids_suppressed,
    error: r.error,
    createdAt: new Date(r.created_at).toISOString(),
    finishedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
  };
}

function newJobId(): string {
  return `er_${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** An erasure job of this tenant, or null (another tenant's job is null too). */
export async function readErasureJob(db: D1Database, tenantId: string, jobId: string): Promise<ErasureJob | null> {
  const row = await db
    .prepare('SELECT id, status, via, profiles_erased, events_erased, ids_suppressed, error, created_at, finished_at FROM erasure_jobs WHERE tenant_id = ? AND id = ?')
    .bind(tenantId, jobId)
    .first<JobRow>();
  return row ? toJob(row) : null;
}

/**
 * Erases one person: suppresses every id they used first (so nothing new lands while
 * the wipe runs), wipes their profile object and every anonymous profile merged into it
 * (events, portrait, identity links, merge log, forwarding pointers), then deletes their
 * rows from the D1 index, segment memberships and the dead-letter table. What is kept is
 * the job (counts, no ids) and the suppression list (hashes of the ids, never the ids).
 *
 * `extraKeys` are suppressed too even when no profile exists (a visitor erasing
 * themselves before anything was stored). `jobId` makes a retried request reuse its job.
 */
export async function eraseProfile(
  env: Env,
  tenantId: string,
  target: ResolvedProfile | null,
  opts: { via: ErasureVia; extraKeys?: string[]; jobId?: string },
): Promise<ErasureJob> {
  const db = env.DB;
  const jobId = opts.jobId ?? newJobId();
  const existing = await readErasureJob(db, tenantId, jobId);
  if (existing && existing.status === 'completed') return existing;
  const refHash = await sha256Hex(`${tenantId}\n${target?.profileKey ?? opts.extraKeys?.[0] ?? ''}`);
  const started = Date.now();
  await db
    .prepare(
      `INSERT INTO erasure_jobs (id, tenant_id, ref_hash, via, status, created_at) VALUES (?, ?, ?, ?, 'running', ?)
       ON CONFLICT (id) DO UPDATE SET status = 'running', error = NULL`,
    )
    .bind(jobId, tenantId, refHash, opts.via, started)
    .run();

  const keys = new Set<string>(opts.extraKeys ?? []);
  const profileIds = new Set<string>();
  let profiles = 0;
  let events = 0;
  try {
    if (target) {
      keys.add(target.profileKey);
      profileIds.add(target.profileId);
      const view = await target.stub.read(tenantId, 0);
      const linked = view.status === 'ok' ? view.profile.identities.filter((i) => i.status === 'linked').map((i) => i.profileKey) : [];
      for (const k of linked) keys.add(k);
      const identity = view.status === 'ok' ? (view.profile.portrait as { identity?: { userId?: string | null; anonymousIds?: string[] } }).identity : undefined;
      if (identity?.userId) keys.add(`user:${identity.userId}`);
      for (const a of identity?.anonymousIds ?? []) keys.add(`anon:${a}`);
      // Suppress what we know before wiping: late events are dropped from now on.
      await suppressKeys(db, tenantId, keys, jobId);
      // Merged-in profiles and index rows first, the person's own profile last: if a step
      // fails, the same DELETE still finds the person and finishes the job.
      for (const key of linked) {
        const id = env.PROFILES.idFromName(`${tenantId}:${key}`);
        profileIds.add(id.toString());
        const r = await profileCalls(env.PROFILES.get(id)).erase(tenantId);
        if (r.status === 'erased') {
          profiles++;
          events += r.events;
          for (const k of r.keys) keys.add(k);
        }
      }
      await deleteIndexTraces(db, tenantId, [...profileIds], [...keys]);
      const main = await target.stub.erase(tenantId);
      if (main.status === 'erased') {
        profiles++;
        events += main.events;
        for (const k of main.keys) keys.add(k);
      }
    }
    for (const k of keys) profileIds.add(env.PROFILES.idFromName(`${tenantId}:${k}`).toString());
    // Again after the last wipe: ids only its events named, and an index write that raced the wipe.
    const suppressed = await suppressKeys(db, tenantId, keys, jobId);
    await deleteIndexTraces(db, tenantId, [...profileIds], [...keys]);
    await db
      .prepare(
        "UPDATE erasure_jobs SET status = 'completed', profiles_erased = ?, events_erased = ?, ids_suppressed = ?, finished_at = ? WHERE id = ?",
      )
      .bind(profiles, events, suppressed, Date.now(), jobId)
      .run();
  } catch (err) {
    console.error('portrait: erasure failed', jobId, err);
    await db
      .prepare("UPDATE erasure_jobs SET status = 'failed', profiles_erased = ?, events_erased = ?, error = ?, finished_at = ? WHERE id = ?")
      .bind(profiles, events, 'A storage step failed; send the erasure request again to finish it.', Date.now(), jobId)
      .run()
      .catch(() => undefined);
  }
  return (await readErasureJob(db, tenantId, jobId))!;
}

const tables = new Set<string>();

/** Whether a table another part's migration creates exists yet (cached once seen). */
async function hasTable(db: D1Database, name: string): Promise<boolean> {
  if (tables.has(name)) return true;
  const row = await db.prepare("SELECT 1 AS ok FROM sqlite_master WHERE type = 'table' AND name = ?").bind(name).first();
  if (row) tables.add(name);
  return row !== null;
}

/** Index rows, segment memberships, campaign assignments and dead letters that name the person. */
async function deleteIndexTraces(db: D1Database, tenantId: string, profileIds: string[], keys: string[]): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  const withMembers = await hasSegmentMembers(db);
  // Banner assignments, views and clicks are kept per visitor as a profile key (campaign-events.ts).
  if (await hasTable(db, 'campaign_visitors')) {
    for (const key of keys) statements.push(db.prepare('DELETE FROM campaign_visitors WHERE tenant_id = ? AND visitor_id = ?').bind(tenantId, key));
  }
  for (const id of profileIds) {
    statements.push(db.prepare('DELETE FROM profiles WHERE tenant_id = ? AND profile_id = ?').bind(tenantId, id));
    if (withMembers) statements.push(db.prepare('DELETE FROM segment_members WHERE tenant_id = ? AND profile_id = ?').bind(tenantId, id));
  }
  const rawIds = new Set(keys.map((k) => k.slice(k.indexOf(':') + 1)));
  for (const id of rawIds) {
    statements.push(db.prepare('DELETE FROM profiles WHERE tenant_id = ? AND user_id = ?').bind(tenantId, id));
    // Dead letters keep a truncated copy of rejected events: drop the ones carrying an id of this person.
    const like = `%${JSON.stringify(id).replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    statements.push(db.prepare("DELETE FROM dead_letters WHERE tenant_id = ? AND payload LIKE ? ESCAPE '\\'").bind(tenantId, like));
  }
  for (let i = 0; i < statements.length; i += 50) await db.batch(statements.slice(i, i + 50));
}
