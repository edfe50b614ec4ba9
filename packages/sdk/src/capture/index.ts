import type { Plugin } from '../types';
import { browsing } from './browsing';
import { campaigns } from './campaigns';
import { clicks } from './clicks';
import { pages } from './pages';
import { sessions, type SessionsOptions } from './sessions';

export { browsing, type BrowsingOptions } from './browsing';
export { campaigns } from './campaigns';
export { campaignParams } from './campaign-params';
export { clicks } from './clicks';
export { mask } from './mask';
export { pages, type PagesOptions } from './pages';
export { sessions, type SessionsOptions } from './sessions';

export interface CaptureOptions extends SessionsOptions {
  /** Hash router: fragment changes are page views. Default false. */
  hash?: boolean;
}

/**
 * Every capture plugin at once: page views, clicks, browsing (engagement, scroll),
 * sessions and campaigns. Add `ecommerce()` (from `@portrait/sdk/ecommerce`) and
 * `vitals()` (`@portrait/sdk/vitals`) as needed.
 *
 * @example
 * init({ writeKey: 'wk_...', plugins: [...capture({ hash: true })] });
 */
export const capture = (options: CaptureOptions = {}): Plugin[] => [
  sessions(options),
  campaigns(),
  browsing(options),
  pages(options),
  clicks(),
];
