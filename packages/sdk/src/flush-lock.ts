import { lsGet, lsSet } from './local-store';

/**
 * Takes or extends the lease `portrait.lease` = "<tab> <until ms>": "this tab is
 * sending". False while another tab holds an unexpired lease. Flushes renew it before
 * each request (under the Web Lock too), and a tab sending at unload takes it for a
 * few seconds, so no two tabs ever have the same events in flight. Without
 * localStorage there is nothing to coordinate with, and the answer is true.
 */
export const lease = (tab: string, ms: number): boolean => {
  const [owner, until] = (lsGet('lease') || '').split(' ');
  return (owner === tab || !(+until > Date.now())) && (lsSet('lease', tab + ' ' + (Date.now() + ms)), true);
};

/**
 * Runs `fn` while holding the Web Lock `name`, so one tab flushes at a time (the
 * lease above covers browsers without Web Locks, Safari < 15.4), then drops this
 * tab's lease.
 */
export const withFlushLock = (name: string, tab: string, fn: () => Promise<void>): Promise<void> => {
  const run = () => fn().finally(() => lsGet('lease')?.startsWith(tab) && lsSet('lease'));
  return navigator.locks ? navigator.locks.request(name, run) : run();
};
