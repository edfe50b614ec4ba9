import type { PageContext } from '@portrait/protocol';
import type { Plugin } from '../types';
import { onView } from './on-view';

export interface BrowsingOptions {
  /** Fragment changes start a new page view (hash routers). Default false. */
  hash?: boolean;
}

/** Interaction keeps a page view engaged for this long. */
const WINDOW = 30_000;
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'wheel', 'touchstart'];

/**
 * How each page view was read: sends `Page Engaged` once per page view when the
 * visitor leaves it (tab hidden or closed, another page, or an SPA route change)
 * with `engaged_ms` (time the page was visible and interacted with in the last 30 s)
 * and `scroll_depth` (deepest point seen, percent of the page height, 0-100).
 * The event's `context.page` is the page view it describes.
 *
 * @example
 * init({ writeKey: 'wk_...', plugins: [browsing()] });
 */
export const browsing = (options: BrowsingOptions = {}): Plugin => ({
  name: 'browsing',
  setup(core) {
    let engaged = 0;
    let active = 0;
    let depth = 0;
    let done = 0;
    // context.page of the view's page event (the one Page Engaged describes).
    let page: PageContext | undefined;
    const d = document;
    // Not while the document is still parsing (too short) nor at unload (layout is gone):
    // on scroll, when the DOM is ready, and a task after a view starts.
    const measure = () => {
      const h = d.documentElement.scrollHeight;
      if (d.readyState != 'loading' && h) depth = Math.max(depth, Math.min(100, Math.round(((scrollY + innerHeight) * 100) / h)));
    };
    /** Closes the engaged window that began at the last interaction; starts a new one at `now` (0: none). */
    const settle = (now: number) => {
      if (active) engaged += Math.min(Date.now() - active, WINDOW);
      active = now;
    };
    const start = () => {
      engaged = active = depth = done = 0;
      setTimeout(measure);
    };
    const report = () => {
      if (done) return;
      done = 1;
      settle(0);
      core.track('Page Engaged', { engaged_ms: engaged, scroll_depth: depth }, page && { context: { page } });
    };
    start();
    core.on('event', (e) => {
      if (e.type == 'page') page = e.context?.page;
    });
    onView(() => {
      report(); // a restore finds the view already reported when the page was hidden
      start();
    }, options.hash, true);
    ACTIVITY.forEach((t) =>
      addEventListener(
        t,
        (e) => {
          if (d.visibilityState == 'visible' && !done) settle(Date.now()), e.type == 'scroll' && measure();
        },
        { capture: true, passive: true },
      ),
    );
    // Window capture phase: runs before the core's own hidden-page flush, so Page Engaged goes with it.
    addEventListener('visibilitychange', () => d.visibilityState == 'hidden' && report(), true);
    addEventListener('pagehide', report);
    d.addEventListener('DOMContentLoaded', measure);
  },
});
