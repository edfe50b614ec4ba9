export { personalize, MAX_SLOTS } from './personalize';
export type { PersonalizeCore, PersonalizeOptions, PersonalizePlugin } from './personalize';
export { renderBanner } from './render-banner';
export { safeHref } from './safe-href';
export { watchVisibility } from './watch-visibility';
export type * from './decision-types';
