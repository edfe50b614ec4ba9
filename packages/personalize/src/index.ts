export { personalize, MAX_SLOTS } from './personalize';
export type { PersonalizeOptions } from './personalize';
export { renderBanner } from './render-banner';
export { safeHref } from './safe-href';
export { watchVisibility } from './watch-visibility';
export type * from './decision-types';
