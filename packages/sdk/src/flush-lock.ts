import { lsGet, lsSet } from './local-store';

/**
 * Takes or extends the lease hint `portrait.lease` = "<tab> <until ms>": "this tab is
 * sending". False while another tab holds an unexpired one. localStorage is not atomic
 * between tabs, so flushes first take the queue's IndexedDB lease (`_leased`), then mirror
 * it here before each request, where the synchronous unload path can read it: a tab
 * sending at unload takes it for a few seconds, and a closing tab leaves its events to
 * the tab that holds it. Without localStorage the answer is true.
 */
export const lease = (tab: string, ms: number): boolean => {
  const [owner, until] = String(lsGet('lease')).split(' ');
  // ms 0: released (removed).
  return (owner == tab || !(+until > Date.now())) && (lsSet('lease', ms && tab + ' ' + (Date.now() + ms)), true);
};

/**
 * Runs `fn` while holding the Web Lock `name`, so one tab flushes at a time (browsers
 * without Web Locks, Safari < 15.4, rely on the queue's atomic lease instead), then `done` (which drops the leases).
 */
export const withFlushLock = (name: string, fn: () => Promise<void>, done: () => void): Promise<void> => {
  const run = () => fn().finally(done);
  return navigator.locks ? navigator.locks.request(name, run) : run();
};
