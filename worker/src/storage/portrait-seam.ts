/**
 * THE seam between storage and the portrait model. ProfileObject calls exactly these
 * after each event is stored (and replays the timeline through them after a merge):
 *
 *   let portrait = emptyPortrait();
 *   portrait = applyEvent(portrait, { event, orderAt });
 *
 * The portrait must be JSON-serialisable (it is persisted as one row). To plug in the
 * full portrait model, point these exports at worker/src/profiles/.
 */
export { applyEvent, emptyPortrait, type BasePortrait as Portrait, type PortraitInput } from '../ingest/base-portrait';
