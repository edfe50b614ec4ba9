import type { JsonObject } from '../types';

/** The Segment page fields of the current document (`context.page` / page properties). */
export const pageContext = (referrer: string): JsonObject => {
  const l = location;
  return { path: l.pathname, referrer, search: l.search, title: document.title, url: l.href };
};

/** A URL as a page-view key: the fragment counts only for hash routers. */
export const viewKey = (url: string, hash?: boolean): string => (hash ? url : url.split('#')[0]);
