import type { Env } from '../env';
import type { PreparedEvent } from '../ingest/ingest-types';
import { OUTCOME_CODES, type EventOutcome, type IngestBatch, type IngestMeta, type ProfileObject, type ProfileView } from './profile-object';

/** Forwarding chains longer than this are treated as broken (a loop), not followed. */
const MAX_HOPS = 5;
/** Events moved per merge page (one RPC each). */
const MERGE_PAGE = 500;

/** Profile forwarding pointers never change once set, so an isolate may remember them. */
const forwards = new Map<string, string>();

export function profileStub(env: Env, tenantId: string, profileKey: string): DurableObjectStub<ProfileObject> {
  return env.PROFILES.get(env.PROFILES.idFromName(`${tenantId}:${profileKey}`));
}

export interface StoreResult {
  outcomes: Map<number, EventOutcome>;
  merges: number;
}

/**
 * Stores prepared events in their profiles' Durable Objects (one RPC per profile, in
 * parallel), follows forwarding pointers of merged profiles, then merges the identities
 * the events linked (identify/alias/both ids). Resolves only when every write is
 * durable; any failure rejects (the route answers 503 and the client retries safely).
 */
export async function storeEvents(env: Env, tenantId: string, events: PreparedEvent[]): Promise<StoreResult> {
  const outcomes = new Map<number, EventOutcome>();
  const linkRequests = new Map<string, Map<string, PreparedEvent>>();
  let pending = groupBy(events, (e) => resolveForward(tenantId, e.profileKey));
  for (let hop = 0; pending.size > 0; hop++) {
    if (hop > MAX_HOPS) throw new Error(`profile forwarding deeper than ${MAX_HOPS} hops for tenant ${tenantId}`);
    const next = new Map<string, PreparedEvent[]>();
    await Promise.all(
      [...pending].map(async ([key, group]) => {
        const result = await profileStub(env, tenantId, key).ingest(tenantId, key, toIngestBatch(group));
        if ('forwardedTo' in result) {
          forwards.set(`${tenantId}|${key}`, result.forwardedTo);
          const list = next.get(result.forwardedTo) ?? [];
          list.push(...group);
          next.set(result.forwardedTo, list);
          return;
        }
        for (let i = 0; i < group.length; i++) outcomes.set(group[i].index, OUTCOME_CODES[result.outcomes.charCodeAt(i) - 48]);
        if (result.linksToMerge.length === 0) return;
        const wanted = new Set(result.linksToMerge);
        const byLink = linkRequests.get(key) ?? new Map<string, PreparedEvent>();
        for (const e of group) for (const link of e.links) if (wanted.has(link) && !byLink.has(link)) byLink.set(link, e);
        linkRequests.set(key, byLink);
      }),
    );
    pending = next;
  }
  let merges = 0;
  await Promise.all(
    [...linkRequests].map(async ([targetKey, links]) => {
      for (const [fromKey, trigger] of links) {
        await mergeProfiles(env, tenantId, fromKey, targetKey, reasonFor(trigger, fromKey));
        merges++;
      }
    }),
  );
  return { outcomes, merges };
}

/**
 * Moves one profile into another: the source points at the target first (late events
 * follow), its rows are copied page by page (idempotent), the target logs the merge and
 * rebuilds its portrait, and only then the source drops its rows. A source already merged
 * into someone else is refused and the refusal logged (a shared device is not one person).
 */
export async function mergeProfiles(
  env: Env,
  tenantId: string,
  fromKey: string,
  targetKey: string,
  why: { reason: string; messageId?: string },
): Promise<'merged' | 'refused'> {
  const source = profileStub(env, tenantId, fromKey);
  const target = profileStub(env, tenantId, targetKey);
  let after = 0;
  let moved = 0;
  let identities: string[] = [];
  for (;;) {
    const page = await source.exportForMerge(tenantId, fromKey, targetKey, after, MERGE_PAGE);
    if (page.status === 'refused') {
      await target.recordMerge(targetKey, {
        tenantId, fromKey, outcome: 'refused', eventsMoved: 0,
        reason: `${why.reason}; refused: ${fromKey} already belongs to ${page.mergedInto}`, messageId: why.messageId,
      });
      return 'refused';
    }
    if (page.rows.length > 0) {
      moved += await target.importMerged(tenantId, targetKey, fromKey, page.rows);
      after = page.rows[page.rows.length - 1].seq;
    }
    identities = page.identities;
    if (page.done) break;
  }
  await target.recordMerge(targetKey, { tenantId, fromKey, outcome: 'merged', eventsMoved: moved, reason: why.reason, messageId: why.messageId, identities });
  await source.finishMerge(tenantId, fromKey, targetKey, why.reason, moved);
  forwards.set(`${tenantId}|${fromKey}`, targetKey);
  return 'merged';
}

/** Reads a profile by key, following merges to where the person lives now. */
export async function readProfileByKey(env: Env, tenantId: string, profileKey: string, limit: number): Promise<ProfileView> {
  let key = profileKey;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const view = await profileStub(env, tenantId, key).read(tenantId, limit);
    if (view.status !== 'forwarded') return view;
    key = view.to;
  }
  return { status: 'not_found' };
}

/** Reads a profile by its id (the object id hex), following merges. */
export async function readProfileById(env: Env, tenantId: string, profileId: string, limit: number): Promise<ProfileView> {
  let id: DurableObjectId;
  try {
    id = env.PROFILES.idFromString(profileId);
  } catch {
    return { status: 'not_found' };
  }
  const view = await env.PROFILES.get(id).read(tenantId, limit);
  if (view.status !== 'forwarded') return view;
  return readProfileByKey(env, tenantId, view.to, limit);
}

/**
 * Serialises each event once: the string is both the RPC payload and the stored row. The
 * row's columns travel as one JSON array of IngestMeta tuples (arrays stringify and parse
 * far faster than objects), so the object need not parse a body to store it.
 */
function toIngestBatch(group: PreparedEvent[]): IngestBatch {
  const bodies: string[] = [];
  const meta: IngestMeta[] = [];
  for (const { event, orderAt, receivedAt, links } of group) {
    bodies.push(JSON.stringify(event));
    meta.push([event.messageId, event.type, event.event ?? event.name ?? null, orderAt, receivedAt, links]);
  }
  return { meta: JSON.stringify(meta), bodies };
}

function resolveForward(tenantId: string, key: string): string {
  let k = key;
  for (let i = 0; i < MAX_HOPS; i++) {
    const next = forwards.get(`${tenantId}|${k}`);
    if (!next) break;
    k = next;
  }
  return k;
}

function reasonFor(e: PreparedEvent, fromKey: string): { reason: string; messageId: string } {
  const ev = e.event;
  let reason: string;
  if (ev.type === 'identify') reason = `identify joined ${fromKey} to userId ${ev.userId}`;
  else if (ev.type === 'alias') reason = `alias of previousId ${ev.previousId} to userId ${ev.userId}`;
  else reason = `${ev.type} event carried both userId ${ev.userId} and anonymousId ${ev.anonymousId}`;
  return { reason, messageId: ev.messageId };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
