import type { Plugin } from '../types';
import { pageContext, viewKey } from './page-context';
import { all, listen } from './listen';
import { onRoute } from './route';

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
    let url = location.href;
    let referrer = document.referrer;
    let spa = 0;
    const send = () => {
      const page = pageContext(referrer);
      core.page(undefined, page, { context: { page } });
    };
    core.addEnricher((e) => {
      const page = e.context?.page;
      if (spa && page) page.referrer = referrer;
    });
    send();
    return all([
      onRoute((next) => {
        if (viewKey(next, options.hash) != viewKey(url, options.hash)) {
          referrer = url;
          url = next;
          spa = 1;
          send();
        }
      }),
      listen(window, 'pageshow', (e: PageTransitionEvent) => e.persisted && send()),
    ]);
  },
});
