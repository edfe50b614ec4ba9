/**
 * One watcher for same-document navigations, shared by the capture plugins.
 *
 * Where the Navigation API exists (Chromium) `currententrychange` reports every
 * pushState, replaceState, back/forward and fragment navigation, so history is not
 * patched at all; elsewhere pushState/replaceState are wrapped (the original is
 * always called, with its own `this`, and its result and errors pass through
 * untouched) and popstate/hashchange are listened to.
 *
 * Subscribers are called once per URL change, a task after the change: a router's
 * pushState followed by a replaceState, or a popstate followed by a hashchange,
 * coalesce into one call, and a change back to the same URL calls nobody, so
 * nothing downstream can double count.
 */
export type RouteListener = (url: string, previous: string) => void;

const subs: RouteListener[] = [];
let last = '';
let timer: ReturnType<typeof setTimeout> | 0 = 0;

const check = () => {
  timer = 0;
  const url = location.href;
  const prev = last;
  if (url != prev) {
    last = url;
    subs.forEach((f) => f(url, prev));
  }
};
const later = () => {
  timer ||= setTimeout(check);
};

/**
 * Calls `listener(url, previousUrl)` after each same-document URL change
 * (hash included: listeners that ignore fragments compare for themselves).
 * `first` puts the listener before the others (used to close the old page view
 * before the new one is announced). Listeners stay for the page's life (the SDK
 * never uninstalls plugins).
 */
export const onRoute = (listener: RouteListener, first?: boolean): void => {
  if (!last) {
    last = location.href;
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
  first ? subs.unshift(listener) : subs.push(listener);
};
