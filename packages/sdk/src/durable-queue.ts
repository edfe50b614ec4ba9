import { promisifyRequest } from 'idb-keyval';
import type { PortraitEvent } from '@portrait/protocol';
import { noop } from './noop';

/**
 * IndexedDB key of a queued event: [capture time ms, messageId, JSON bytes].
 * Keys sort by time, and `getAllKeys()` alone gives everything needed for bounds and
 * batch picking without reading the events themselves.
 */
export type QueueKey = [number, string, number];
export interface QueueEntry {
  _k: QueueKey;
  _e: PortraitEvent;
  /** Committed to IndexedDB (other tabs can see it). */
  _w?: 1;
}

export interface DurableQueue {
  /** Storage is allowed (consent): write what is held in memory, and every later entry. */
  _open(): void;
  /**
   * Queue an entry: kept in memory at once and, once open, written to IndexedDB in a
   * microtask (one transaction per burst). Before `_open()` it stays in memory only.
   */
  _add(entry: QueueEntry): void;
  /** Keys of every queued event (all tabs), oldest first. */
  _keys(): Promise<QueueKey[]>;
  /** The events behind `keys` that are still queued. */
  _get(keys: QueueKey[]): Promise<QueueEntry[]>;
  /** Forget events (acknowledged, dropped or evicted). */
  _remove(keys: QueueKey[]): void;
  /** This tab's own unacknowledged entries, oldest first (sent synchronously at unload). */
  _mine(): QueueEntry[];
  /** Evict the oldest events past `maxEvents` / `maxBytes`; returns their keys. */
  _trim(maxEvents: number, maxBytes: number): Promise<QueueKey[]>;
  /** Delete everything (memory, the database itself) and stay closed until `_open()`. */
  _purge(): void;
  /**
   * The flush lease: truthy while another tab holds it unexpired; else `tab` takes or
   * renews it for `ms` (0 releases it). The lease is a record in the queue's store, read
   * and written in one readwrite transaction, and such transactions are serialised
   * across tabs: two tabs never both take it. Without IndexedDB (closed, failed) there
   * is no other tab to share the queue with: 0.
   */
  _leased(tab: string, ms: number): Promise<unknown>;
}


/**
 * The SDK's event queue: a private IndexedDB store (`<dbName>` / `queue`, via
 * idb-keyval's `createStore`) shared by every tab of the site, mirrored in memory
 * for this tab's own events. When IndexedDB is missing or throws (private mode,
 * quota, a broken profile) it reports once through `onFail` (as `onFail('storage',
 * 'IndexedDB: <error>')`, the shape of the SDK's error event) and keeps working from memory.
 */
export const createDurableQueue = (dbName: string, onFail: (kind: 'storage', message: string) => void): DurableQueue => {
  let mem: QueueEntry[] = [];
  let pending: QueueEntry[] = [];
  // undefined: not opened yet (nothing exists before consent); 0: IndexedDB failed.
  let store: Promise<IDBDatabase> | 0 | undefined;
  let open = 0;
  // Bumped by a purge so that writes queued before it are skipped (and cannot recreate the database).
  let epoch = 0;
  let written: Promise<unknown> = Promise.resolve();

  // Opens the database (creating the store on first use) like idb-keyval's `createStore`,
  // whose flat helpers are skipped on purpose: they pull in its default store and cursor fallbacks.
  const connect = () => {
    const req = indexedDB.open(dbName);
    req.onupgradeneeded = () => req.result.createObjectStore('queue');
    return promisifyRequest(req);
  };
  // Runs `fn` on the object store; resolves 0 when closed or once IndexedDB has failed
  // (synchronous throws, e.g. no `indexedDB` at all, included).
  const idb = async <T>(mode: IDBTransactionMode, fn: (os: IDBObjectStore) => T | PromiseLike<T>): Promise<T | 0> => {
    try {
      if (open && store !== 0) return await fn((await (store ||= connect())).transaction('queue', mode).objectStore('queue'));
    } catch (e) {
      if (store !== 0) onFail('storage', 'IndexedDB: ' + e);
      store = 0;
    }
    return 0;
  };
  const write = (fn: (os: IDBObjectStore) => void) => {
    const e = epoch;
    written = written.then((): unknown => e == epoch && idb('readwrite', (os) => (fn(os), promisifyRequest(os.transaction))));
  };
  const save = () =>
    write((os) => {
      const xs = pending.splice(0);
      xs.forEach((x) => os.put(x._e, x._k));
      os.transaction.addEventListener('complete', () => xs.forEach((x) => (x._w = 1)));
    });
  const ids = (ks: QueueKey[]) => new Set(ks.map((k) => k[1]));

  const q: DurableQueue = {
    _open() {
      open = 1;
      pending = [...mem];
      save();
    },
    _add(entry) {
      mem.push(entry);
      if (open && store !== 0 && pending.push(entry) < 2) save();
    },
    async _keys() {
      await written;
      // Event keys are arrays, which sort after the lease's key (0).
      const ks: QueueKey[] | 0 = await idb('readonly', (os) => promisifyRequest(os.getAllKeys(IDBKeyRange.lowerBound([])) as IDBRequest));
      if (!ks) return mem.map((x) => x._k);
      // Our stored events that are gone were delivered (or evicted) by another tab: forget them
      // too, or this tab would resend them at unload.
      const have = ids(ks);
      mem = mem.filter((x) => !x._w || have.has(x._k[1]));
      return ks;
    },
    async _get(ks) {
      const vs = await idb('readonly', (os) => Promise.all(ks.map((k) => promisifyRequest<PortraitEvent>(os.get(k)))));
      // Without IndexedDB the keys are those of `mem` itself.
      return vs ? ks.map((k, i) => ({ _k: k, _e: vs[i] })).filter((x) => x._e) : mem.filter((x) => ks.includes(x._k));
    },
    _remove(ks) {
      const gone = ids(ks);
      mem = mem.filter((x) => !gone.has(x._k[1]));
      write((os) => ks.forEach((k) => os.delete(k)));
    },
    _mine: () => mem,
    async _trim(maxEvents, maxBytes) {
      const ks = await q._keys();
      const out: QueueKey[] = [];
      for (let i = ks.length, n = 0, b = 0; i--; ) if (++n > maxEvents || (b += ks[i][2]) > maxBytes) out.push(ks[i]);
      if (out.length) q._remove(out);
      return out;
    },
    _purge() {
      mem = [];
      pending = [];
      open = 0;
      epoch++;
      const s = store;
      store = undefined;
      // The deletion waits for open connections: close ours (other tabs purge on their own).
      if (s) s.then((db) => db.close(), noop);
      try {
        indexedDB.deleteDatabase(dbName);
      } catch {
        /* no IndexedDB: nothing stored */
      }
    },
    _leased: (tab, ms) =>
      // get and put in one transaction (it stays active through the promise callback).
      // Released (ms 0): expired at once.
      idb('readwrite', (os) =>
        promisifyRequest(os.get(0)).then(([owner, until] = []) => (owner != tab && until > Date.now()) || void os.put([tab, Date.now() + ms], 0)),
      ),
  };
  return q;
};
