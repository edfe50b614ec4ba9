import { lsGet, lsSet } from './local-store';
import { noop } from './noop';

const TAB = 'portrait-tab-';

/**
 * Holds a Web Lock named after this tab for the tab's lifetime. The browser
 * releases it when the tab closes or crashes, which is how other tabs tell a
 * live owner of queued events from a gone one (see `mayTake`).
 */
export const holdTabLock = (tab: string): void => void navigator.locks?.request(TAB + tab, () => new Promise(noop)).catch(noop);

/**
 * Resolves a predicate "may this tab send an event captured by tab `owner`?": its
 * own events, and those of tabs that are gone (their tab lock is free). A live
 * tab sends its own events, including synchronously at unload, so no other tab
 * may have them in flight at the same time. Without Web Locks: undefined (every event).
 */
export const mayTake = async (tab: string): Promise<((owner: string) => boolean) | undefined> => {
  try {
    const held = (await navigator.locks.query()).held!.map((l) => l.name);
    return (owner) => owner === tab || !held.includes(TAB + owner);
  } catch {
    /* no Web Locks: undefined, every event may be taken */
  }
};

/**
 * Runs `fn` while holding the flush lock, so one tab flushes at a time. With Web
 * Locks, waits for the lock. Without them (Safari < 15.4, happy-dom), uses a lease in
 * localStorage (`portrait.lease` = "<tab> <expiry ms>"): `fn` gets a `renew` callback
 * that extends the lease before each request and answers false while another tab
 * holds it, in which case `fn` must stop.
 */
export const withFlushLock = (name: string, tab: string, fn: (renew: () => boolean) => Promise<void>): Promise<void> =>
  navigator.locks
    ? navigator.locks.request(name, () => fn(() => true))
    : fn(() => {
        const [owner, until] = (lsGet('lease') || '').split(' ');
        return (owner === tab || !(+until > Date.now())) && (lsSet('lease', tab + ' ' + (Date.now() + 60_000)), true);
      }).finally(() => lsGet('lease')?.startsWith(tab) && lsSet('lease'));
