import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import type { PreparedEvent, StoredEvent } from '../ingest/ingest-types';
import { samePayload } from '../ingest/same-payload';
import { applyD1Migrations } from './apply-d1-migrations';
import { applyEvent, emptyPortrait, viewPortrait, type Portrait, type PortraitView } from './portrait-seam';
import type { ObjectErasure } from './erasure';
import { indexSummary } from './index-summary';
import { ProfileMeta } from './profile-meta';
import { deleteProfileIndex, upsertProfileIndex } from './profile-index';
import { ProfileAudiences, isAudienceEvent } from './profile-audiences';
import type { TenantDefinitions } from './definition-store';
import type { ProfileConfig } from '../profiles/profile-config';
import { PROFILE_SCHEMA } from './profile-schema';
import { collectProfileKeys, queryTimeline, readConflicts, type TimelinePage, type TimelineQuery } from './profile-timeline';

export type EventOutcome = 'accepted' | 'duplicate' | 'conflict';

/**
 * What crosses the RPC boundary for one profile: each stored event already serialised
 * (the string becomes the timeline row as is) and the row columns of every event as one
 * JSON string of IngestMeta tuples. Serialising once is much cheaper than structured-cloning
 * nested objects, and tuples much cheaper than objects.
 */
export interface IngestBatch {
  /** JSON of IngestMeta[], one per body, in the same order. */
  meta: string;
  bodies: string[];
}

/** One event's row columns and the profile keys it links: [messageId, type, name, orderAt, receivedAt, links]. */
export type IngestMeta = [messageId: string, type: string, name: string | null, orderAt: number, receivedAt: number, links: string[]];

/** Outcome per event as one character each (`'0'` + index in this list), in the batch's order. */
export const OUTCOME_CODES: readonly EventOutcome[] = ['accepted', 'duplicate', 'conflict'];

/**
 * Events stored since the portrait row was last saved, at most: past this, an ingest that
 * left the portrait to be caught up later saves it now (bounds the replay after a restart).
 */
export const PORTRAIT_SAVE_EVERY = 500;

/** A timeline row as the portrait replays read it. */
type ReplayRow = { body: string; order_at: number; type: string; name: string | null; message_id: string };

/** One timeline row applied to a portrait, as every replay does: audience events are timeline only, never part of it. */
function applyRow(p: Portrait, row: ReplayRow, config?: Partial<ProfileConfig>): Portrait {
  return isAudienceEvent(row) ? p : applyEvent(p, { event: JSON.parse(row.body) as StoredEvent, orderAt: row.order_at }, config);
}

/** The lowest seq among rows just inserted (0 when none were). */
function firstSeq(inserted: Map<string, number>): number {
  let first = 0;
  for (const seq of inserted.values()) if (first === 0 || seq < first) first = seq;
  return first;
}

/** Rows per events insert: 6 bound parameters each, and a statement binds at most 100. */
const ROWS_PER_INSERT = 16;

/** `(?, '', ?, ?, ?, ?, ?), ...` for 0..16 rows of the events insert (the SQL text is the prepared-statement cache key). */
const ROW_PLACEHOLDERS = Array.from({ length: ROWS_PER_INSERT + 1 }, (_, n) => Array.from({ length: n }, () => "(?, '', ?, ?, ?, ?, ?)").join(', '));

export type ProfileIngestResult =
  | { forwardedTo: string }
  | {
      /** One character per event of the batch, in order: '0' accepted, '1' duplicate, '2' conflict (OUTCOME_CODES). */
      outcomes: string;
      linksToMerge: string[];
    };

export interface ExportedRow {
  seq: number;
  message_id: string;
  type: string;
  name: string | null;
  order_at: number;
  received_at: number;
  body: string;
}

export type ExportPage =
  | { status: 'refused'; mergedInto: string }
  | { status: 'ok'; rows: ExportedRow[]; done: boolean; identities: string[] };

export interface MergeRecord {
  tenantId: string;
  fromKey: string;
  outcome: 'merged' | 'refused';
  eventsMoved: number;
  reason: string;
  messageId?: string;
  identities?: string[];
}

export type ProfileView =
  | { status: 'not_found' }
  | { status: 'forwarded'; to: string }
  | {
      status: 'ok';
      profile: {
        profileId: string;
        profileKey: string;
        createdAt: string | null;
        portrait: PortraitView;
        identities: Array<{ profileKey: string; status: string; at: string }>;
        mergeLog: Array<{ at: string; direction: string; otherKey: string; outcome: string; eventsMoved: number; reason: string; messageId: string | null }>;
        conflicts: number;
        eventCount: number;
      };
      events: StoredEvent[];
    };

/**
 * Index lag: a busy profile writes its D1 summary at most once per this many ms, so the
 * marketer index costs one D1 write per active visitor per 5 s, not one per batch.
 */
export const DEFAULT_INDEX_DELAY_MS = 5_000;

/** A profile links at most this many other identities (Segment caps merges at 100). */
export const MAX_LINKED_IDENTITIES = 100;

/**
 * One customer profile: a SQLite Durable Object named `<tenant>:<profileKey>`, where the
 * profile key is `user:<userId>` or `anon:<anonymousId>`. It dedupes by messageId, keeps
 * the timeline, updates the portrait through the one seam (portrait-seam.ts), links and
 * merges identities, and writes its summary to the D1 index from an alarm.
 * Every write happens in a synchronous transaction; the runtime's output gate holds the
 * RPC answer until that write is durable, so a returned result means stored.
 */
export class ProfileObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /**
   * The portrait as of timeline seq `portraitSeq` (in memory). Events stored later are
   * applied as they are stored when it is current (ingest without segments or computed
   * traits: `applyLive`), else when someone needs the portrait (`loadPortrait`), replayed
   * from the timeline.
   */
  private portrait: Portrait | undefined;
  private portraitSeq = 0;
  /** The timeline seq the saved portrait row reflects. */
  private savedSeq = 0;
  private readonly metaStore: ProfileMeta;
  /** An index alarm is already set (this instance set it, or saw it). */
  private alarmPending = false;
  /** Segments and computed traits of the tenant (profile-audiences.ts). */
  private readonly audiences: ProfileAudiences;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(PROFILE_SCHEMA.join(';\n'));
    this.metaStore = new ProfileMeta(this.sql);
    this.audiences = new ProfileAudiences(this.sql, this.metaStore, env);
  }

  /**
   * Stores events for this profile (see IngestBatch), or says where the profile moved.
   * While the tenant defines no segments or computed traits nothing reacts to the portrait
   * on ingest, so its row is saved only every PORTRAIT_SAVE_EVERY events and at the index
   * alarm: the portrait in memory takes the new events from the bodies in hand when it is
   * current, else it catches up from the timeline when next needed. Otherwise each stored
   * event is applied at once, the segments evaluated and the portrait saved.
   */
  async ingest(tenantId: string, profileKey: string, batch: IngestBatch): Promise<ProfileIngestResult> {
    const bodies = batch.bodies;
    const events = JSON.parse(batch.meta) as IngestMeta[];
    this.claim(tenantId, profileKey);
    const forwardTo = this.meta('forward_to');
    if (forwardTo) return { forwardedTo: forwardTo };

    let outcomes = '';
    const links = new Set<string>();
    // The isolate's cached copy: no D1 read per event.
    const defs = await this.audiences.definitions(tenantId);
    const config = this.audiences.config(defs);
    const profileId = this.ctx.id.toString();
    this.guarded(() => {
      outcomes = '';
      const deferred = this.canDeferPortrait(defs);
      let portrait = deferred ? undefined : this.loadPortrait(config);
      // Computed traits dropped from the definitions are dropped from the state (eager or not).
      let changed = this.audiences.prepare(portrait ?? this.cachedPortrait(), defs).length > 0;
      const inserted = this.insertEvents(events, bodies);
      // Deferred, with the portrait in memory current up to the row just before these: the
      // new events are applied from the bodies in hand (no read-back from the timeline), and
      // saving it waits as before. Otherwise (a gap: rows stored by another path) loadPortrait
      // replays from the timeline when the portrait is next needed.
      let live = deferred && this.portrait !== undefined && firstSeq(inserted) === this.portraitSeq + 1;
      let lastInserted = 0;
      for (let i = 0; i < events.length; i++) {
        const [messageId, type, name, orderAt, receivedAt, eventLinks] = events[i];
        const seq = inserted.get(messageId);
        if (seq !== undefined) {
          inserted.delete(messageId);
          lastInserted = seq;
          // Applied as every replay applies a row (applyRow: audience events stay out of the portrait).
          const row = { body: bodies[i], type, name, message_id: messageId, order_at: orderAt };
          if (portrait) {
            portrait = applyRow(portrait, row, config);
            this.portrait = portrait;
            this.portraitSeq = seq;
            changed = true;
          } else if (live) {
            live = this.applyLive(seq, row, config);
          }
          outcomes += '0';
        } else {
          const existing = this.sql.exec<{ body: string }>('SELECT body FROM events WHERE message_id = ?', messageId).one();
          if (samePayload(existing.body, bodies[i])) outcomes += '1';
          else {
            this.sql.exec("INSERT INTO conflicts (message_id, hash, received_at, body) VALUES (?, '', ?, ?)", messageId, receivedAt, bodies[i]);
            outcomes += '2';
            continue;
          }
        }
        for (const link of eventLinks) if (link !== profileKey) links.add(link);
      }
      if (portrait) {
        if (changed) {
          // Entering or leaving a segment writes Audience Entered / Exited to the timeline.
          this.audiences.evaluate(portrait, defs, profileId);
          this.savePortrait(portrait);
        }
      } else {
        // Nothing to evaluate (no segments): records the definitions version seen, as in ingest with segments.
        this.audiences.evaluate(this.cachedPortrait(), defs, profileId);
        if (changed || lastInserted - this.savedSeq >= PORTRAIT_SAVE_EVERY) this.savePortrait(this.loadPortrait(config));
      }
    });
    const linksToMerge = [...links].filter(
      (key) => this.sql.exec('SELECT 1 FROM identities WHERE profile_key = ?', key).toArray().length === 0,
    );
    if (outcomes.includes('0')) await this.scheduleIndex();
    return { outcomes, linksToMerge };
  }

  /**
   * Source side of a merge, one page at a time. The first call points this profile at
   * the target (late events follow the pointer); rows are deleted only by `finishMerge`,
   * after the target has them, so a failure half-way loses nothing.
   */
  async exportForMerge(tenantId: string, profileKey: string, targetKey: string, afterSeq: number, limit: number): Promise<ExportPage> {
    this.claim(tenantId, profileKey);
    const forwardTo = this.meta('forward_to');
    if (forwardTo && forwardTo !== targetKey) return { status: 'refused', mergedInto: forwardTo };
    if (!forwardTo) this.setMeta('forward_to', targetKey);
    const rows = this.sql
      .exec<Record<string, SqlStorageValue>>(
        'SELECT seq, message_id, type, name, order_at, received_at, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
        afterSeq, limit,
      )
      .toArray() as unknown as ExportedRow[];
    const identities = this.sql
      .exec<{ profile_key: string }>("SELECT profile_key FROM identities WHERE status = 'linked'")
      .toArray()
      .map((r) => r.profile_key);
    return { status: 'ok', rows, done: rows.length < limit, identities };
  }

  /** Target side: takes moved rows (idempotent: a messageId already here is skipped). */
  async importMerged(tenantId: string, profileKey: string, fromKey: string, rows: ExportedRow[]): Promise<number> {
    this.claim(tenantId, profileKey);
    let moved = 0;
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) {
        const existing = this.sql.exec<{ body: string }>('SELECT body FROM events WHERE message_id = ?', r.message_id).toArray()[0];
        if (existing) {
          if (!samePayload(existing.body, r.body)) {
            this.sql.exec("INSERT INTO conflicts (message_id, hash, received_at, body) VALUES (?, '', ?, ?)", r.message_id, r.received_at, r.body);
          }
          continue;
        }
        this.sql.exec(
          "INSERT INTO events (message_id, hash, type, name, order_at, received_at, body, moved_from) VALUES (?, '', ?, ?, ?, ?, ?, ?)",
          r.message_id, r.type, r.name, r.order_at, r.received_at, r.body, fromKey,
        );
        moved++;
      }
    });
    return moved;
  }

  /** Target side, after the last page: link the identities, log the merge, rebuild the portrait. */
  async recordMerge(profileKey: string, m: MergeRecord): Promise<void> {
    this.claim(m.tenantId, profileKey);
    const now = Date.now();
    this.guarded(() => {
      const known = this.sql.exec<{ status: string }>('SELECT status FROM identities WHERE profile_key = ?', m.fromKey).toArray()[0];
      if (known?.status === m.outcome.replace('merged', 'linked') && m.eventsMoved === 0) return;
      this.sql.exec(
        'INSERT INTO identities (profile_key, status, at) VALUES (?, ?, ?) ON CONFLICT (profile_key) DO UPDATE SET status = excluded.status, at = excluded.at',
        m.fromKey, m.outcome === 'merged' ? 'linked' : 'refused', now,
      );
      for (const key of m.identities ?? []) {
        if (key !== profileKey) this.sql.exec("INSERT OR IGNORE INTO identities (profile_key, status, at) VALUES (?, 'linked', ?)", key, now);
      }
      this.sql.exec(
        "INSERT INTO merge_log (at, direction, other_key, outcome, events_moved, reason, message_id) VALUES (?, 'in', ?, ?, ?, ?, ?)",
        now, m.fromKey, m.outcome, m.eventsMoved, m.reason, m.messageId ?? null,
      );
      if (m.outcome === 'merged' && m.eventsMoved > 0) this.rebuildPortrait();
    });
    await this.scheduleIndex();
  }

  /** Source side, last step: the target holds everything; drop the moved rows, keep the pointer. */
  async finishMerge(tenantId: string, profileKey: string, targetKey: string, reason: string, eventsMoved: number): Promise<void> {
    this.claim(tenantId, profileKey);
    this.ctx.storage.transactionSync(() => {
      const done = this.sql.exec("SELECT 1 FROM merge_log WHERE direction = 'out' AND other_key = ?", targetKey).toArray().length > 0;
      this.sql.exec('DELETE FROM events');
      this.sql.exec('DELETE FROM portrait');
      this.portrait = undefined;
      this.savedSeq = 0;
      if (!done) {
        this.sql.exec(
          "INSERT INTO merge_log (at, direction, other_key, outcome, events_moved, reason) VALUES (?, 'out', ?, 'merged', ?, ?)",
          Date.now(), targetKey, eventsMoved, reason,
        );
      }
    });
    await this.scheduleIndex();
  }

  /** The profile for the marketer API: portrait, identities, merge log, recent events. */
  async read(tenantId: string, limit: number): Promise<ProfileView> {
    if (this.meta('tenant_id') !== tenantId) return { status: 'not_found' };
    const forwardTo = this.meta('forward_to');
    if (forwardTo) return { status: 'forwarded', to: forwardTo };
    // The computed section needs the tenant's computed-trait definitions (cached copy).
    const defs = await this.audiences.definitions(tenantId);
    const eventCount = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM events').one().n;
    const mergeLog = this.sql
      .exec<{ at: number; direction: string; other_key: string; outcome: string; events_moved: number; reason: string; message_id: string | null }>(
        'SELECT at, direction, other_key, outcome, events_moved, reason, message_id FROM merge_log ORDER BY id',
      )
      .toArray()
      .map((r) => ({ at: new Date(r.at).toISOString(), direction: r.direction, otherKey: r.other_key, outcome: r.outcome, eventsMoved: r.events_moved, reason: r.reason, messageId: r.message_id }));
    if (eventCount === 0 && mergeLog.length === 0) return { status: 'not_found' };
    const events = this.sql
      .exec<{ body: string }>('SELECT body FROM events ORDER BY order_at DESC, seq DESC LIMIT ?', limit)
      .toArray()
      .map((r) => JSON.parse(r.body) as StoredEvent);
    const identities = this.sql
      .exec<{ profile_key: string; status: string; at: number }>('SELECT profile_key, status, at FROM identities ORDER BY at')
      .toArray()
      .map((r) => ({ profileKey: r.profile_key, status: r.status, at: new Date(r.at).toISOString() }));
    const createdAt = this.meta('created_at');
    return {
      status: 'ok',
      profile: {
        profileId: this.ctx.id.toString(),
        profileKey: this.meta('profile_key') ?? '',
        createdAt: createdAt ? new Date(Number(createdAt)).toISOString() : null,
        portrait: this.currentView(defs, Date.now(), this.ctx.id.toString()),
        identities,
        mergeLog,
        conflicts: this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM conflicts').one().n,
        eventCount,
      },
      events,
    };
  }

  /** A filtered page of this profile's timeline (marketer API). */
  async timeline(tenantId: string, q: TimelineQuery): Promise<{ status: 'not_found' } | { status: 'forwarded'; to: string } | ({ status: 'ok' } & TimelinePage)> {
    if (this.meta('tenant_id') !== tenantId) return { status: 'not_found' };
    const forwardTo = this.meta('forward_to');
    if (forwardTo) return { status: 'forwarded', to: forwardTo };
    return { status: 'ok', ...queryTimeline(this.sql, q) };
  }

  /** The profile as `read` gives it plus the conflicting copies kept apart (per-person export). */
  async exportPerson(tenantId: string) {
    const view = await this.read(tenantId, 0);
    if (view.status !== 'ok') return view;
    return { ...view, conflicts: readConflicts(this.sql) };
  }

  /**
   * Erasure: wipes everything this object stores (timeline, portrait, identities, merge
   * log, forwarding pointer, pending index alarm) and reports the ids it held, so the
   * caller can suppress them and wipe the profiles linked to it.
   */
  async erase(tenantId: string): Promise<ObjectErasure> {
    if (this.meta('tenant_id') !== tenantId) return { status: 'not_found' };
    const profileKey = this.meta('profile_key') ?? '';
    const { linked, all } = collectProfileKeys(this.sql, profileKey);
    const events = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM events').one().n;
    await this.ctx.storage.deleteAlarm();
    this.alarmPending = false;
    await this.ctx.storage.deleteAll();
    this.metaStore.forget();
    this.portrait = undefined;
    for (const statement of PROFILE_SCHEMA) this.sql.exec(statement);
    return { status: 'erased', profileKey, linked, keys: all, events };
  }

  /**
   * Backfill (BackfillObject): evaluates the tenant's definitions against this profile
   * without a new event; memberships changing write Audience Entered / Exited as in ingest.
   */
  async applyDefinitions(
    tenantId: string, defs: TenantDefinitions,
  ): Promise<{ status: 'ok'; memberships: Record<string, { since: string }>; changed: boolean } | { status: 'gone' }> {
    if (this.meta('tenant_id') !== tenantId || this.meta('forward_to')) return { status: 'gone' };
    if (this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM events').one().n === 0) return { status: 'gone' };
    let changed = false;
    this.guarded(() => {
      const state = this.loadPortrait(this.audiences.config(defs));
      changed = this.audiences.refresh(state, defs, this.ctx.id.toString()).changed;
      if (changed || this.savedSeq < this.portraitSeq) this.savePortrait(state);
    });
    if (changed) await this.scheduleIndex();
    return { status: 'ok', memberships: this.audiences.memberships(this.loadPortrait()), changed };
  }

  /** Writes this profile's summary row to the D1 index (batched: one alarm per burst). */
  override async alarm(): Promise<void> {
    this.alarmPending = false;
    try {
      await this.writeIndex();
    } catch (err) {
      // The index is a read model: retry later rather than lose the update.
      console.warn('portrait: profile index update failed, retrying in 10 s', err);
      await this.ctx.storage.setAlarm(Date.now() + 10_000);
      this.alarmPending = true;
    }
  }

  private async writeIndex(): Promise<void> {
    const tenantId = this.meta('tenant_id');
    const profileKey = this.meta('profile_key');
    if (!tenantId || !profileKey) return;
    await applyD1Migrations(this.env.DB);
    const id = this.ctx.id.toString();
    const forwardTo = this.meta('forward_to');
    const now = Date.now();
    if (forwardTo) {
      await deleteProfileIndex(this.env.DB, tenantId, id);
      await this.audiences.syncIndex(tenantId, id, null);
      return;
    }
    // Off the hot path: catch up with definitions saved since the last event, and with time
    // (a "within the last N days" condition can stop matching without any new event).
    const defs = await this.audiences.definitions(tenantId);
    // Also saves a portrait that caught up with events stored since its row was written.
    this.guarded(() => {
      const state = this.loadPortrait(this.audiences.config(defs));
      if (this.audiences.refreshIfDue(state, defs, id).changed || this.savedSeq < this.portraitSeq) this.savePortrait(state);
    });
    const p = this.currentView(defs, now, id);
    const count = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM events').one().n;
    await upsertProfileIndex(this.env.DB, {
      tenantId, profileId: id, profileKey, eventCount: count, summary: indexSummary(p), now,
    });
    await this.audiences.syncIndex(tenantId, id, this.loadPortrait());
  }

  private async scheduleIndex(): Promise<void> {
    // Remembered in memory: a burst of batches costs one alarm read, not one per batch.
    if (this.alarmPending) return;
    if ((await this.ctx.storage.getAlarm()) === null) {
      const delay = Number(this.env.INDEX_DELAY_MS ?? DEFAULT_INDEX_DELAY_MS);
      await this.ctx.storage.setAlarm(Date.now() + (Number.isFinite(delay) ? delay : DEFAULT_INDEX_DELAY_MS));
    }
    this.alarmPending = true;
  }

  /**
   * Inserts the events whose messageId is new, in order, a few rows per statement (bound
   * parameters are capped at 100), and returns the messageIds actually inserted with their
   * seq. Without RETURNING (cheaper): when a statement inserted every row (the usual case)
   * their seqs are the consecutive ones ending at last_insert_rowid(). Otherwise the rows it
   * inserted are, among the rows carrying its messageIds, the `changes()` with the highest
   * seqs (a new row's seq is above every seq stored before it).
   */
  private insertEvents(events: IngestMeta[], bodies: string[]): Map<string, number> {
    const inserted = new Map<string, number>();
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const n = Math.min(ROWS_PER_INSERT, events.length - i);
      const args: SqlStorageValue[] = [];
      for (let j = i; j < i + n; j++) {
        const [messageId, type, name, orderAt, receivedAt] = events[j];
        args.push(messageId, type, name, orderAt, receivedAt, bodies[j]);
      }
      this.sql.exec(`INSERT INTO events (message_id, hash, type, name, order_at, received_at, body) VALUES ${ROW_PLACEHOLDERS[n]} ON CONFLICT (message_id) DO NOTHING`, ...args);
      const { changes, last } = this.sql.exec<{ changes: number; last: number }>('SELECT changes() AS changes, last_insert_rowid() AS last').one();
      if (changes === n) {
        for (let j = 0; j < n; j++) inserted.set(events[i + j][0], last - n + 1 + j);
      } else if (changes > 0) {
        const ids = events.slice(i, i + n).map((e) => e[0]);
        for (const row of this.sql.exec<{ message_id: string; seq: number }>(
          `SELECT message_id, seq FROM events WHERE message_id IN (${ids.map(() => '?').join(', ')}) ORDER BY seq DESC LIMIT ?`, ...ids, changes,
        )) inserted.set(row.message_id, row.seq);
      }
    }
    return inserted;
  }

  /**
   * A write transaction that also keeps the in-memory portrait honest: if the transaction
   * fails (and SQLite rolls back), the cached portrait is dropped and reloaded next time.
   */
  private guarded(write: () => void): void {
    try {
      this.ctx.storage.transactionSync(write);
    } catch (err) {
      // Rolled back: nothing cached during the transaction may be trusted.
      this.portrait = undefined;
      this.metaStore.forget();
      throw err;
    }
  }

  private claim(tenantId: string, profileKey: string): void {
    const owner = this.meta('tenant_id');
    if (owner === undefined) {
      this.ctx.storage.transactionSync(() => {
        this.setMeta('tenant_id', tenantId);
        this.setMeta('profile_key', profileKey);
        this.setMeta('created_at', String(Date.now()));
      });
    } else if (owner !== tenantId || this.meta('profile_key') !== profileKey) {
      throw new Error(`profile object ${this.ctx.id.toString()} belongs to another tenant or key`);
    }
  }

  /** Meta values are read on every call: kept in memory, written through. */
  private meta(key: string): string | undefined {
    return this.metaStore.get(key);
  }

  private setMeta(key: string, value: string): void {
    this.metaStore.set(key, value);
  }


  /**
   * Whether this ingest may leave the portrait to catch up later: nothing evaluates it on
   * ingest (no segments, no computed traits, none held from before) and the definitions are
   * known (without them computed traits must be re-fingerprinted on the eager path).
   */
  private canDeferPortrait(defs: TenantDefinitions | null): boolean {
    if (!defs || defs.segments.length > 0 || defs.computedTraits.length > 0) return false;
    const cached = this.cachedPortrait();
    return Object.keys(cached.segments).length === 0 && Object.keys(cached.computed).length === 0;
  }

  /** The portrait in memory or from its row, without catching up with newer events. */
  private cachedPortrait(): Portrait {
    if (this.portrait) return this.portrait;
    const row = this.sql.exec<{ state: string }>('SELECT state FROM portrait WHERE id = 1').toArray()[0];
    if (!row) {
      this.portrait = emptyPortrait();
      this.savedSeq = 0;
    } else {
      // `<seq> <json>`; a row saved before seqs were kept (`<json>`) reflected every event then stored.
      const space = row.state.startsWith('{') ? -1 : row.state.indexOf(' ');
      this.portrait = JSON.parse(space < 0 ? row.state : row.state.slice(space + 1)) as Portrait;
      this.savedSeq = space < 0 ? this.lastSeq() : Number(row.state.slice(0, space));
    }
    this.portraitSeq = this.savedSeq;
    return this.portrait;
  }

  /** The current portrait (caught up) as the API shows it, scored with the tenant's definitions and insights. */
  private currentView(defs: TenantDefinitions | null, now: number, profileId: string) {
    const config = this.audiences.config(defs);
    return viewPortrait(this.loadPortrait(config), { now, profileId, config, insights: this.audiences.insights(defs) });
  }

  /** The current portrait: the cached one, with the events stored after it replayed in order. */
  private loadPortrait(config?: Partial<ProfileConfig>): Portrait {
    let p = this.cachedPortrait();
    for (const row of this.sql.exec<ReplayRow & { seq: number }>(
      'SELECT seq, body, order_at, type, name, message_id FROM events WHERE seq > ? ORDER BY seq',
      this.portraitSeq,
    )) {
      this.portraitSeq = row.seq;
      p = applyRow(p, row, config);
    }
    this.portrait = p;
    return p;
  }

  /**
   * Applies one just-stored event (timeline row `seq`) to the portrait in memory, as
   * `loadPortrait` would replay it. Returns false when it could not (the cached portrait is
   * dropped, so the next load rebuilds it from the saved row and the timeline).
   */
  private applyLive(seq: number, row: ReplayRow, config: Partial<ProfileConfig>): boolean {
    try {
      this.portrait = applyRow(this.portrait ?? this.cachedPortrait(), row, config);
      this.portraitSeq = seq;
      return true;
    } catch (err) {
      console.warn('portrait: applying a stored event failed; the portrait is rebuilt from the timeline when next read', err);
      this.portrait = undefined;
      return false;
    }
  }

  /** Saves the portrait (current as of `portraitSeq`) with the seq it reflects. */
  private savePortrait(p: Portrait): void {
    this.portrait = p;
    this.sql.exec(
      'INSERT INTO portrait (id, state) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state',
      `${this.portraitSeq} ${JSON.stringify(p)}`,
    );
    this.savedSeq = this.portraitSeq;
  }

  private lastSeq(): number {
    return this.sql.exec<{ n: number | null }>('SELECT max(seq) AS n FROM events').one().n ?? 0;
  }

  /** Replays the whole timeline, in event order, through the portrait seam (after a merge). */
  private rebuildPortrait(): void {
    const previous = this.loadPortrait();
    let p = emptyPortrait();
    for (const row of this.sql.exec<ReplayRow>('SELECT body, order_at, type, name, message_id FROM events ORDER BY order_at, seq')) {
      p = applyRow(p, row);
    }
    this.audiences.afterRebuild(previous, p);
    this.portraitSeq = this.lastSeq();
    this.savePortrait(p);
  }
}
