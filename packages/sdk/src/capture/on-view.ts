/**
 * One watcher for same-document navigations, shared by the capture plugins.
 *
 * Where the Navigation API exists (Chromium) `currententrychange` reports every
 * pushState, replaceState, back/forward and fragment navigation, so history is not
 * patched at all; elsewhere pushState/replaceState are wrapped (the original is
 * always called, with its own `this`, and its result and errors pass through
 * untouched) and popstate/hashchange are listened to.
 *
 * Listeners are checked once per change, a task after it: a router's pushState
 * followed by a replaceState, or a popstate followed by a hashchange, coalesce into
 * one check, and a change back to the same URL calls nobody, so nothing downstream
 * can double count.
 */
const subs: ((url: string) => void)[] = [];
let timer: ReturnType<typeof setTimeout> | 0 = 0;

const later = () => {
  timer ||= setTimeout(() => {
    timer = 0;
    subs.forEach((f) => f(location.href));
  });
};

/**
 * Calls `listener(previousUrl, restored)` when a new page view starts after the
 * first: an SPA navigation to another URL (fragment changes only with `hash`), or a
 * back/forward-cache restore (`restored` true, `previousUrl` is the page's own URL).
 * `first` runs it before other listeners (to close the old view before the new one).
 * Listeners stay for the page's life (the SDK never uninstalls plugins).
 */
export const onView = (listener: (previous: string, restored?: boolean) => void, hash?: boolean, first?: boolean): void => {
  if (!subs[0]) {
    const nav = (window as { navigation?: EventTarget }).navigation;
    if (nav) nav.addEventListener('currententrychange', later);
    else {
      (['pushState', 'replaceState'] as const).forEach((k) => {
        const orig = history[k];
        history[k] = function (this: History, ...args: Parameters<History['pushState']>) {
          const r = orig.apply(this, args);
          later();
          return r;
        };
      });
      addEventListener('popstate', later);
    }
    addEventListener('hashchange', later);
  }
  /** A URL as a page-view key: the fragment counts only for hash routers. */
  const key = (u: string) => (hash ? u : u.split('#')[0]);
  let url = location.href;
  subs[first ? 'unshift' : 'push']((next) => {
    if (key(next) != key(url)) {
      const prev = url;
      url = next;
      listener(prev);
    }
  });
  addEventListener('pageshow', (e) => e.persisted && listener(url, true));
};
