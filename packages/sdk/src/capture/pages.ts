import type { Plugin } from '../types';
import { onView } from './on-view';

export interface PagesOptions {
  /** Count fragment changes (`#/cart`) as page views: for hash routers. Default false. */
  hash?: boolean;
}

/**
 * Page views: one `page` event on load, one per real single-page-app navigation
 * (pushState, replaceState to a new URL, back/forward; fragment changes only with
 * `hash: true`), and one when the page is restored from the back/forward cache.
 * A replaceState or navigation that leaves the URL unchanged sends nothing. After an
 * SPA navigation, `context.page.referrer` of every event is the previous URL.
 *
 * @example
 * init({ writeKey: 'wk_...', plugins: [pages({ hash: true })] });
 */
export const pages = (options: PagesOptions = {}): Plugin => ({
  name: 'pages',
  setup(core) {
    let referrer = document.referrer;
    let spa = 0;
    // The core fills the page fields (path, title, url...) at call time; only the referrer is ours.
    const send = () => core.page(undefined, { referrer });
    core.addEnricher((e) => {
      if (spa) e.context!.page!.referrer = referrer;
    });
    send();
    onView((previous, restored) => {
      if (!restored) (referrer = previous), (spa = 1);
      send();
    }, options.hash);
  },
});
