import type { Env } from '../env';
import type { ProfileMeta } from './profile-meta';
import type { StoredEvent } from '../ingest/ingest-types';
import type { RfmCutPoints } from '../insights/rfm-cut-points';
import { backfillComputedTrait, type ComputedTraitDefinition } from '../profiles/computed-traits';
import type { ProfileConfig } from '../profiles/profile-config';
import { isProfileState, viewPortrait } from '../profiles/portrait-model';
import { updateMemberships } from '../segments/segment-membership';
import type { TenantDefinitions } from './definition-store';
import { syncProfileMemberships, type MembershipMap } from './segment-members';
import { tenantDefinitions } from './tenant-definitions';

/** Names of the timeline events membership changes write (Segment's names). */
export const AUDIENCE_EVENTS = ['Audience Entered', 'Audience Exited'] as const;
const MESSAGE_PREFIX = 'audience:';

/** True for the `Audience Entered/Exited` events this module writes: kept in the timeline, never fed back into the portrait. */
export function isAudienceEvent(row: { type?: string | null; name?: string | null; message_id?: string; messageId?: string; event?: string }): boolean {
  const name = row.name ?? row.event ?? null;
  const id = row.message_id ?? row.messageId ?? '';
  return row.type === 'track' && (name === AUDIENCE_EVENTS[0] || name === AUDIENCE_EVENTS[1]) && id.startsWith(MESSAGE_PREFIX);
}

export interface AudienceOutcome {
  /** Segment ids entered and exited by this evaluation. */
  entered: string[];
  exited: string[];
  /** Computed traits rebuilt from the timeline because their definition changed. */
  recomputed: string[];
}

/**
 * Segments and computed traits inside one profile object. The object calls it around
 * every write: `definitions()` before (the isolate's cached copy: no D1 read per event),
 * `prepare()` + `config()` while applying events, `evaluate()` after them, and
 * `syncIndex()` from its index alarm. State it keeps in the object's `meta` table:
 * the definition version applied last, a fingerprint of each computed trait applied,
 * and whether `segment_members` in D1 needs rewriting.
 */
export class ProfileAudiences {
  /** When this instance last evaluated the segments (0: not since the object started). */
  private evaluatedAt = 0;
  /** Set after a merge rebuilt the state: the next alarm must re-evaluate. */
  private rebuilt = false;

  constructor(
    private readonly sql: SqlStorage,
    /** The object's meta table, shared with it (one in-memory copy); these keys are prefixed `audiences.`. */
    private readonly metaStore: ProfileMeta,
    private readonly env: Env,
  ) {}

  /** The tenant's definitions, at least as new as the version this object applied; null when D1 cannot be reached and nothing is cached. */
  definitions(tenantId: string): Promise<TenantDefinitions | null> {
    return tenantDefinitions(this.env.DB, tenantId, Number(this.meta('defs_version') ?? 0));
  }

  /** The portrait config carrying the tenant's computed traits (what applyEvent and the view need). */
  config(defs: TenantDefinitions | null): Partial<ProfileConfig> {
    return { computedTraits: defs?.computedTraits ?? [] };
  }

  /** What the portrait is scored against beyond the profile itself: the tenant's RFM cut points (null: built-in defaults). */
  insights(defs: TenantDefinitions | null): { rfmCutPoints: RfmCutPoints | null } {
    return { rfmCutPoints: defs?.rfm?.cutPoints ?? null };
  }

  /**
   * Brings the state's computed-trait accumulators in line with `defs` before new events are
   * applied: a new or changed definition is rebuilt from the timeline, a deleted one dropped.
   * Without definitions (D1 unreachable) the fingerprints are forgotten, so everything is
   * rebuilt once they are back. Returns the ids whose values were rebuilt or dropped. Call inside the write transaction.
   */
  prepare(state: unknown, defs: TenantDefinitions | null): string[] {
    if (!isProfileState(state)) return [];
    const stored = this.meta('computed_fp');
    if (!defs) {
      if (stored !== undefined && stored !== '{}') this.setMeta('computed_fp', '{}');
      return [];
    }
    // Fast path (every ingest): nothing defined and nothing accumulated.
    if (defs.computedTraits.length === 0 && (stored === undefined || stored === '{}') && Object.keys(state.computed).length === 0) return [];
    const applied = JSON.parse(stored ?? '{}') as Record<string, string>;
    const next: Record<string, string> = {};
    const rebuilt: string[] = [];
    let timeline: Array<Record<string, unknown>> | undefined;
    for (const def of defs.computedTraits) {
      const fp = JSON.stringify(def);
      next[def.id] = fp;
      if (applied[def.id] === fp) continue;
      timeline ??= this.timeline();
      backfillComputedTrait(state, def, timeline);
      rebuilt.push(def.id);
    }
    const defined = new Set(defs.computedTraits.map((d: ComputedTraitDefinition) => d.id));
    for (const id of Object.keys(state.computed)) {
      if (!defined.has(id)) {
        delete state.computed[id];
        rebuilt.push(id);
      }
    }
    const fp = JSON.stringify(next);
    if (fp !== stored) this.setMeta('computed_fp', fp);
    return rebuilt;
  }

  /**
   * Evaluates every segment against the current portrait; on entry or exit stores the
   * `Audience Entered` / `Audience Exited` event in the timeline (not in the portrait) and
   * updates `state.segments`. Call inside the write transaction, after the events were applied.
   */
  evaluate(state: unknown, defs: TenantDefinitions | null, profileId: string, now = Date.now()): { entered: string[]; exited: string[] } {
    if (!defs || !isProfileState(state)) return { entered: [], exited: [] };
    if (this.meta('defs_version') !== String(defs.version)) this.setMeta('defs_version', String(defs.version));
    this.evaluatedAt = now;
    this.rebuilt = false;
    // Fast path (every ingest): no segments to enter and none to leave, so no render.
    if (defs.segments.length === 0 && Object.keys(state.segments).length === 0) return { entered: [], exited: [] };
    const view = viewPortrait(state, { now, profileId, config: this.config(defs), insights: this.insights(defs) });
    const change = updateMemberships(view, defs.segments, now);
    if (change.entered.length === 0 && change.exited.length === 0) return { entered: [], exited: [] };
    state.segments = change.memberships;
    const receivedAt = new Date(now).toISOString();
    for (const e of change.events) {
      const stored: StoredEvent = { ...(e as unknown as StoredEvent), context: { library: { name: 'portrait-segments', version: String(defs.version) } }, receivedAt };
      this.sql.exec(
        "INSERT OR IGNORE INTO events (message_id, hash, type, name, order_at, received_at, body) VALUES (?, '', ?, ?, ?, ?, ?)",
        stored.messageId, 'track', stored.event ?? null, now, now, JSON.stringify(stored),
      );
    }
    this.setMeta('members_dirty', '1');
    return { entered: change.entered, exited: change.exited };
  }

  /** Both steps for a state that is not receiving events (backfill, index alarm, after a merge). */
  refresh(state: unknown, defs: TenantDefinitions | null, profileId: string, now = Date.now()): AudienceOutcome & { changed: boolean } {
    // An older pass (a backfill still at version N while an event already brought N+1)
    // must not undo newer definitions, e.g. re-enter a deleted segment.
    if (defs && defs.version < Number(this.meta('defs_version') ?? 0)) return { entered: [], exited: [], recomputed: [], changed: false };
    const recomputed = this.prepare(state, defs);
    const { entered, exited } = this.evaluate(state, defs, profileId, now);
    return { entered, exited, recomputed, changed: recomputed.length + entered.length + exited.length > 0 };
  }

  /**
   * The index alarm's catch-up: evaluates only when needed (definitions newer than the ones
   * applied, a merge rebuilt the state, or no evaluation for an hour: windows move with the
   * clock), so the common alarm after an ingest costs no second render.
   */
  refreshIfDue(state: unknown, defs: TenantDefinitions | null, profileId: string, now = Date.now()): { changed: boolean } {
    if (!defs) return { changed: false };
    const due = this.rebuilt || this.isBehind(defs) || now - this.evaluatedAt > 3_600_000;
    return due ? this.refresh(state, defs, profileId, now) : { changed: false };
  }

  /** Whether `defs` is newer than what this object applied last. */
  isBehind(defs: TenantDefinitions | null): boolean {
    return !!defs && defs.version > Number(this.meta('defs_version') ?? 0);
  }

  /** Writes this profile's memberships to `segment_members` when they changed (index alarm). Null state: the profile is gone. */
  async syncIndex(tenantId: string, profileId: string, state: unknown): Promise<void> {
    if (state !== null && this.meta('members_dirty') !== '1') return;
    const memberships: MembershipMap | null = state && isProfileState(state) ? state.segments : null;
    await syncProfileMemberships(this.env.DB, tenantId, profileId, memberships);
    this.setMeta('members_dirty', '0');
  }

  /**
   * After the state was rebuilt from the timeline (a merge): memberships carry over from the
   * previous state and from the audience events that moved in with the other profile's
   * history (the last one per segment says in or out), so nobody re-enters a segment they
   * were already in. The next evaluation (index alarm) settles what the merged portrait
   * matches; computed traits are rebuilt then, and the D1 rows rewritten.
   */
  afterRebuild(previous: unknown, rebuilt: unknown): void {
    if (isProfileState(rebuilt)) {
      const moved: MembershipMap = {};
      for (const row of this.sql.exec<{ body: string }>(
        "SELECT body FROM events WHERE moved_from IS NOT NULL AND type = 'track' AND name IN (?, ?) AND message_id LIKE ? ORDER BY order_at, seq",
        AUDIENCE_EVENTS[0], AUDIENCE_EVENTS[1], `${MESSAGE_PREFIX}%`,
      )) {
        const e = JSON.parse(row.body) as { event?: string; timestamp?: string; properties?: { audience_id?: unknown } };
        const id = e.properties?.audience_id;
        if (typeof id !== 'string') continue;
        if (e.event === AUDIENCE_EVENTS[0]) moved[id] = { since: e.timestamp ?? new Date().toISOString() };
        else delete moved[id];
      }
      rebuilt.segments = { ...moved, ...(isProfileState(previous) ? previous.segments : {}) };
    }
    this.setMeta('computed_fp', '{}');
    this.setMeta('members_dirty', '1');
    this.rebuilt = true;
  }

  /** The segment memberships of a state ({} for a state of another model). */
  memberships(state: unknown): MembershipMap {
    return isProfileState(state) ? state.segments : {};
  }

  /** The stored timeline in event order, without this module's own audience events, times as the portrait orders them. */
  private timeline(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const row of this.sql.exec<{ body: string; order_at: number; type: string; name: string | null; message_id: string }>(
      'SELECT body, order_at, type, name, message_id FROM events ORDER BY order_at, seq',
    )) {
      if (isAudienceEvent(row)) continue;
      const e = JSON.parse(row.body) as Record<string, unknown>;
      out.push({ ...e, timestamp: new Date(row.order_at).toISOString() });
    }
    return out;
  }

  private meta(key: string): string | undefined {
    return this.metaStore.get(`audiences.${key}`);
  }

  private setMeta(key: string, value: string): void {
    this.metaStore.set(`audiences.${key}`, value);
  }
}
