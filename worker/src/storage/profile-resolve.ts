import type { Env } from '../env';
import type { ProfileObject, ProfileView } from './profile-object';
import { findProfileIdsByEmail } from './profile-index';

/** How a marketer names a profile in a URL. */
export type ProfileRef = { kind: 'key'; key: string } | { kind: 'id'; id: string } | { kind: 'email'; email: string };

/** Forwarding chains longer than this are treated as broken, not followed. */
const MAX_HOPS = 5;

/**
 * `user_id:<id>`, `anonymous_id:<id>`, `email:<address>` or the 64-hex profile id.
 * Anything else names no profile (null), which callers answer like a missing one.
 */
export function parseProfileRef(ref: string): ProfileRef | null {
  if (ref.startsWith('user_id:') && ref.length > 8) return { kind: 'key', key: `user:${ref.slice(8)}` };
  if (ref.startsWith('anonymous_id:') && ref.length > 13) return { kind: 'key', key: `anon:${ref.slice(13)}` };
  if (ref.startsWith('email:') && ref.includes('@')) return { kind: 'email', email: ref.slice(6) };
  if (/^[0-9a-f]{64}$/.test(ref)) return { kind: 'id', id: ref };
  return null;
}

/**
 * The profile object's marketer-side methods with their declared types (the RPC stub
 * type flattens the unions these return, losing the `ok` branch).
 */
export type ProfileCalls = Pick<ProfileObject, 'read' | 'timeline' | 'exportPerson' | 'erase'>;

export function profileCalls(stub: DurableObjectStub<ProfileObject>): ProfileCalls {
  return stub as unknown as ProfileCalls;
}

export interface ResolvedProfile {
  stub: ProfileCalls;
  profileId: string;
  profileKey: string;
}

/**
 * Finds where the person named by `ref` lives now (following merge pointers), only
 * within `tenantId`. Null for a missing profile, another tenant's, or a malformed ref:
 * callers answer all three the same way.
 */
export async function resolveProfile(env: Env, tenantId: string, ref: ProfileRef): Promise<ResolvedProfile | null> {
  let stub: DurableObjectStub<ProfileObject>;
  if (ref.kind === 'email') {
    const ids = await findProfileIdsByEmail(env.DB, tenantId, ref.email);
    if (ids.length === 0) return null;
    return resolveProfile(env, tenantId, { kind: 'id', id: ids[0] });
  }
  if (ref.kind === 'id') {
    try {
      stub = env.PROFILES.get(env.PROFILES.idFromString(ref.id));
    } catch {
      return null;
    }
  } else {
    stub = env.PROFILES.get(env.PROFILES.idFromName(`${tenantId}:${ref.key}`));
  }
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const view: ProfileView = await profileCalls(stub).read(tenantId, 0);
    if (view.status === 'not_found') return null;
    if (view.status === 'ok') return { stub: profileCalls(stub), profileId: view.profile.profileId, profileKey: view.profile.profileKey };
    stub = env.PROFILES.get(env.PROFILES.idFromName(`${tenantId}:${view.to}`));
  }
  return null;
}
