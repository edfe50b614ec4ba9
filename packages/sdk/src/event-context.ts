import type { EventContext, PageContext } from '@portrait/protocol';
import { VERSION } from './version';

/** The page part of `context` (also the default properties of `page()`). */
export const pageContext = (): PageContext => ({
  path: location.pathname,
  referrer: document.referrer,
  search: location.search,
  title: document.title,
  url: location.href,
});

/** Segment common context fields read from the browser for each event. */
export const eventContext = (): EventContext => {
  return {
    library: { name: '@portrait/sdk', version: VERSION },
    page: pageContext(),
    userAgent: navigator.userAgent,
    locale: navigator.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: { width: screen.width, height: screen.height, density: devicePixelRatio },
  };
};
