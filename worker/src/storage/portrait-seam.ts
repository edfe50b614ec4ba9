/**
 * THE seam between storage and the portrait model. ProfileObject calls exactly these
 * after each event is stored (and replays the timeline through them after a merge):
 *
 *   let portrait = emptyPortrait();
 *   portrait = applyEvent(portrait, { event, orderAt });
 *   viewPortrait(portrait, { now: Date.now(), profileId }); // the API's sections
 *
 * The portrait state is JSON-serialisable (it is persisted as one row). The model lives
 * in worker/src/profiles/ (portrait-model.ts).
 */
export { applyStoredEvent as applyEvent, emptyPortrait, viewPortrait, type StoredEventInput as PortraitInput } from '../profiles/portrait-model';
export type { ProfileState as Portrait } from '../profiles/profile-state';
export type { Portrait as PortraitView } from '../profiles/render-portrait';
