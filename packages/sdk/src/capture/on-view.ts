import { onRoute } from './route';

/** A URL as a page-view key: the fragment counts only for hash routers. */
const key = (url: string, hash?: boolean) => (hash ? url : url.split('#')[0]);

/**
 * Calls `listener(previousUrl, restored)` when a new page view starts after the
 * first: an SPA navigation to another URL (fragment changes only with `hash`), or a
 * back/forward-cache restore (`restored` true, `previousUrl` is the page's own URL).
 * `first` runs it before other listeners (to close the old view before the new one).
 */
export const onView = (listener: (previous: string, restored?: boolean) => void, hash?: boolean, first?: boolean): void => {
  let url = location.href;
  onRoute((next) => {
    if (key(next, hash) != key(url, hash)) {
      const prev = url;
      url = next;
      listener(prev);
    }
  }, first);
  addEventListener('pageshow', (e) => e.persisted && listener(url, true));
};
