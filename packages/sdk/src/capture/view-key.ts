/** A URL as a page-view key: the fragment counts only for hash routers. */
export const viewKey = (url: string, hash?: boolean): string => (hash ? url : url.split('#')[0]);
