/**
 * The portrait model as the profile store's seam expects it (storage/portrait-seam.ts):
 * `emptyPortrait()` and `applyEvent(state, { event, orderAt })` keep the JSON state
 * after each stored event, and `viewPortrait(state, { now })` renders the sections the
 * marketer API returns. States written by an older model version (or the collector's
 * base counters) are replaced by a fresh state instead of failing the ingest.
 */
import { createProfileState, PROFILE_STATE_VERSION, type ProfileState } from './profile-state';
import { applyEvent as applyToState } from './apply-event';
import { renderPortrait, type Portrait, type RenderOptions } from './render-portrait';
import type { ProfileConfig } from './profile-config';

export interface StoredEventInput {
  /** The event as stored (collector-normalized Segment envelope). */
  event: object;
  /** Epoch ms the collector orders the event by (receive time for implausible device clocks). */
  orderAt: number;
}

/** True when `value` is a portrait state this model version can update. */
export function isProfileState(value: unknown): value is ProfileState {
  return !!value && typeof value === 'object' && (value as ProfileState).v === PROFILE_STATE_VERSION && typeof (value as ProfileState).identity === 'object';
}

export function emptyPortrait(): ProfileState {
  return createProfileState();
}

export function applyStoredEvent(state: ProfileState | unknown, input: StoredEventInput, config?: Partial<ProfileConfig>): ProfileState {
  const s = isProfileState(state) ? state : createProfileState();
  return applyToState(s, input.event as Record<string, unknown>, config, input.orderAt);
}

/** The portrait sections for the API; `profileId` names the profile when the state does not. */
export function viewPortrait(state: ProfileState | unknown, options: RenderOptions & { profileId?: string }): Portrait {
  const s = isProfileState(state) ? state : createProfileState();
  const view = renderPortrait(s, options);
  if (view.id === null && options.profileId) {
    view.id = options.profileId;
    view.identity.profileId = options.profileId;
  }
  return view;
}
