/** Traits and identity: latest value per trait by event time, never overwritten by a late older event. */
import type { JsonValue } from '@portrait/protocol';
import type { ProfileState } from './profile-state';

const MAX_TRAITS = 500;
const MAX_IDS = 100;

/** Keys that must never become object properties through a trait name. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function applyTraits(state: ProfileState, traits: unknown, at: number, source: string): void {
  if (!traits || typeof traits !== 'object' || Array.isArray(traits)) return;
  for (const [key, value] of Object.entries(traits as Record<string, JsonValue>)) {
    if (UNSAFE_KEYS.has(key) || value === undefined) continue;
    const entry = Object.hasOwn(state.traits, key) ? state.traits[key] : undefined;
    if (!entry) {
      if (Object.keys(state.traits).length >= MAX_TRAITS) continue;
      state.traits[key] = { value, at, firstSeen: at, lastSeen: at, source };
    } else {
      if (at < entry.firstSeen) entry.firstSeen = at;
      if (at > entry.lastSeen) entry.lastSeen = at;
      // Ties go to the later-applied event so a re-sent identify with a fix wins.
      if (at >= entry.at) {
        entry.value = value;
        entry.at = at;
        entry.source = source;
      }
    }
    if (key === 'email' && typeof value === 'string') addEmail(state, value);
  }
}

export function addUnique(list: string[], value: unknown, max = MAX_IDS): void {
  if (typeof value !== 'string' || value === '' || list.includes(value)) return;
  if (list.length >= max) list.shift();
  list.push(value);
}

export function addEmail(state: ProfileState, email: string): void {
  const e = email.trim().toLowerCase();
  if (/^[^\s@]+@[^\s@]+$/.test(e)) addUnique(state.identity.emails, e);
}

/** Records ids carried by the event: userId (latest by time), anonymousId, externalIds, alias previousId. */
export function applyIdentity(state: ProfileState, event: Record<string, unknown>, at: number): void {
  const id = state.identity;
  const userId = event.userId;
  if (typeof userId === 'string' && userId !== '' && (id.userId === null || at >= id.userIdAt)) {
    id.userId = userId;
    id.userIdAt = at;
  }
  addUnique(id.anonymousIds, event.anonymousId);
  const context = event.context as Record<string, unknown> | undefined;
  const external = context?.externalIds;
  if (Array.isArray(external)) {
    for (const x of external) {
      if (!x || typeof x !== 'object') continue;
      const { type, id: value, collection } = x as Record<string, unknown>;
      if (typeof type !== 'string' || typeof value !== 'string') continue;
      if (id.externalIds.some((e) => e.type === type && e.id === value)) continue;
      if (id.externalIds.length >= MAX_IDS) id.externalIds.shift();
      id.externalIds.push(typeof collection === 'string' ? { type, id: value, collection } : { type, id: value });
    }
  }
  if (event.type === 'alias') addUnique(id.aliases, event.previousId);
  if (event.type === 'group' && typeof event.groupId === 'string' && event.groupId !== '') {
    const prev = Object.hasOwn(id.groups, event.groupId) ? id.groups[event.groupId] : undefined;
    const traits = event.traits && typeof event.traits === 'object' ? (event.traits as Record<string, JsonValue>) : {};
    if (!prev || at >= prev.at) id.groups[event.groupId] = { at, traits };
  }
}
