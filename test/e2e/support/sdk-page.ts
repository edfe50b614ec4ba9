import type { Page } from 'playwright-core';
import type { InitOptions } from '../../../packages/sdk/src/types';
import type { RecordingServer } from './recording-server';

/**
 * Open pages that run the built SDK (`packages/sdk/dist/portrait.js`) and drive it.
 *
 * Two fixtures (test/e2e/fixtures/sdk/):
 * - `init`: loads `/portrait.js` synchronously and calls `portrait.init(options)` with
 *   the JSON passed in `?options=` (writeKey `wk_test` and host = page origin by default);
 * - `script-tag`: the documented async `<script data-write-key data-host data-consent>`.
 *
 * `observeSdk()` (run by `openSdkPage`) subscribes to `on('error')` and `on('delivered')`
 * and keeps what they report in `window.__e2e` for `sdkReports()`.
 *
 * @example
 * await openSdkPage(page, server, { options: { flushAt: 5 } });
 * await trackMany(page, 200, 'offline');
 * await server.waitForUnique(200);
 */

/** Serializable subset of `InitOptions` (plugins cannot cross into the page). */
export type PageInitOptions = Partial<Omit<InitOptions, 'plugins'>>;

export interface SdkPageOptions {
  fixture?: 'init' | 'script-tag';
  /** `init` fixture: options for `portrait.init`. */
  options?: PageInitOptions;
  /** `script-tag` fixture: `data-consent`. */
  consent?: 'required' | 'optional';
  /** Extra query parameters (e.g. a visit marker that shows up in the Referer header). */
  query?: Record<string, string>;
  /** Host (collector origin) for the page; default the recording server. */
  host?: string;
  writeKey?: string;
  /**
   * `data-capture` of the script tag: absent = every automatic capture (page views,
   * clicks, browsing), as a site gets by default; `'off'` = none; or a list.
   */
  capture?: string;
}

/** URL of an SDK fixture page on the recording server. */
export function sdkPageUrl(server: RecordingServer, o: SdkPageOptions = {}): string {
  const q = new URLSearchParams(o.query);
  if (o.capture !== undefined) q.set('capture', o.capture);
  if ((o.fixture ?? 'init') === 'init') {
    const options = { ...o.options } as PageInitOptions;
    if (o.writeKey) options.writeKey = o.writeKey;
    if (o.host) options.host = o.host;
    q.set('options', JSON.stringify(options));
    return server.url(`/fixtures/sdk/init.html?${q}`);
  }
  if (o.consent) q.set('consent', o.consent);
  if (o.host) q.set('host', o.host);
  if (o.writeKey) q.set('writeKey', o.writeKey);
  return server.url(`/fixtures/sdk/script-tag.html?${q}`);
}

/** Subscribe to the SDK's `error` and `delivered` callbacks (idempotent). */
export async function observeSdk(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __e2e?: unknown; portrait: { on(n: string, cb: (p: unknown) => void): unknown } };
    if (w.__e2e) return;
    const state = { errors: [] as unknown[], delivered: [] as string[], events: [] as Array<{ messageId: string; type: string; event?: string }> };
    w.__e2e = state;
    w.portrait.on('error', (e) => { state.errors.push(e); });
    w.portrait.on('event', (e) => {
      const ev = e as { messageId: string; type: string; event?: string };
      state.events.push({ messageId: ev.messageId, type: ev.type, event: ev.event });
    });
    w.portrait.on('delivered', (d) => { state.delivered.push(...((d as { messageIds?: string[] }).messageIds ?? [])); });
  });
}

/** Go to an SDK fixture, wait until `window.portrait` is usable, observe its callbacks. */
export async function openSdkPage(page: Page, server: RecordingServer, o: SdkPageOptions = {}): Promise<void> {
  await page.goto(sdkPageUrl(server, o));
  await waitForSdk(page);
  await observeSdk(page);
}

/** Resolves once the script has loaded and `window.portrait.track` exists. */
export async function waitForSdk(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const p = (window as unknown as { portrait?: { track?: unknown; consent?: unknown } }).portrait;
    return !!p && typeof p.track === 'function' && typeof p.consent === 'object';
  });
}

/**
 * Call `portrait.track(name, { i, tab, pad })` `n` times in one task; returns nothing.
 * `padBytes` adds a string property of that size (to build a queue of a given weight).
 */
export async function trackMany(page: Page, n: number, name: string, extra: { tab?: string; padBytes?: number } = {}): Promise<void> {
  await page.evaluate(({ n, name, tab, padBytes }) => {
    const p = (window as unknown as { portrait: { track(e: string, props: object): void } }).portrait;
    const pad = padBytes ? 'x'.repeat(padBytes) : undefined;
    for (let i = 0; i < n; i++) p.track(name, pad ? { i, tab, pad } : { i, tab });
  }, { n, name, tab: extra.tab ?? '', padBytes: extra.padBytes ?? 0 });
}

/** `await portrait.flush()` in the page (flush may return a promise or nothing). */
export async function flush(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (window as unknown as { portrait: { flush(): unknown } }).portrait.flush();
  });
}

export interface SdkReports {
  errors: Array<{ kind: string; message: string; status?: number; messageIds?: string[] }>;
  /** messageIds `on('delivered')` acknowledged. */
  delivered: string[];
  /** Events `on('event')` saw enter the pipeline since `observeSdk` (automatic captures at load may precede it). */
  events: Array<{ messageId: string; type: string; event?: string }>;
}

/**
 * Resolves when at least `n` track events named `name` entered the pipeline and the
 * SDK's `on('delivered')` acknowledged every one of them; returns their messageIds.
 */
export async function waitForDelivered(page: Page, name: string, n: number, timeout = 30_000): Promise<string[]> {
  await page.waitForFunction(({ name, n }) => {
    const s = (window as unknown as { __e2e?: SdkReports }).__e2e;
    if (!s) return false;
    const ids = s.events.filter((e) => e.type === 'track' && e.event === name).map((e) => e.messageId);
    const done = new Set(s.delivered);
    return ids.length >= n && ids.every((id) => done.has(id));
  }, { name, n }, { timeout });
  const s = await sdkReports(page);
  return s.events.filter((e) => e.type === 'track' && e.event === name).map((e) => e.messageId);
}

/** What `on('error')` and `on('delivered')` reported so far in this page. */
export async function sdkReports(page: Page): Promise<SdkReports> {
  return page.evaluate(() => (window as unknown as { __e2e: SdkReports }).__e2e);
}

/** Resolves when `on('error')` has reported an error matching `kind` (and `status`). */
export async function waitForSdkError(page: Page, kind: string, status?: number): Promise<void> {
  await page.waitForFunction(({ kind, status }) => {
    const s = (window as unknown as { __e2e?: SdkReports }).__e2e;
    return !!s && s.errors.some((e) => e.kind === kind && (status === undefined || e.status === status));
  }, { kind, status });
}

/**
 * messageIds of the events held in the origin's IndexedDB, whatever the SDK's layout
 * (one record per event or one array): every `messageId` string found in any record.
 */
export async function idbMessageIds(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    if (typeof indexedDB === 'undefined' || !indexedDB.databases) return [];
    const ids: string[] = [];
    const walk = (v: unknown, depth: number) => {
      if (!v || typeof v !== 'object' || depth > 6) return;
      if (Array.isArray(v)) { v.forEach((x) => walk(x, depth + 1)); return; }
      const id = (v as { messageId?: unknown }).messageId;
      if (typeof id === 'string') { ids.push(id); return; }
      Object.values(v).forEach((x) => walk(x, depth + 1));
    };
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const values = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(store, 'readonly').objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        values.forEach((v) => walk(v, 0));
      }
      db.close();
    }
    return ids;
  });
}

/** Resolves when the origin's IndexedDB holds at least `n` queued events (the SDK persisted them). */
export async function waitForIdbEvents(page: Page, n: number, timeout = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  // IndexedDB has no cross-context change event: re-check after each frame of the page.
  for (;;) {
    const ids = await idbMessageIds(page);
    if (ids.length >= n) return ids;
    if (Date.now() > deadline) throw new Error(`IndexedDB holds ${ids.length} queued events, expected >= ${n}`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20))));
  }
}

/** One `fetch` / `sendBeacon` call the page made (logged synchronously, before the network). */
export interface NetCall {
  kind: 'fetch' | 'beacon';
  url: string;
  bytes: number;
  keepalive: boolean;
  /** `Date.now()` in the page (follows `page.clock` when installed). */
  at: number;
  /** `location.href` of the page that made the call. */
  page: string;
  /** messageIds in a JSON string body (`batch[].messageId` or `messageId`), when any. */
  messageIds?: string[];
  /** Keepalive/beacon bytes in flight right after this call (including it). */
  inflightKeepalive: number;
  /** A call the browser refused (fetch rejected before an answer, or sendBeacon returned false). */
  refused?: boolean;
}

/**
 * Log every `fetch` and `navigator.sendBeacon` call of the pages of `context` into
 * `window.__net` (read with `netCalls()`), and the largest number of keepalive/beacon
 * bytes in flight at once. With `persist: true` the log is also written to
 * `localStorage['__e2e_net:<page>']` synchronously, so it survives the page being closed
 * (read it from the next page with `persistedNetCalls()`); do not combine with a
 * storage-footprint assertion.
 */
export async function installNetLog(target: { addInitScript: Page['addInitScript'] }, options: { persist?: boolean } = {}): Promise<void> {
  await target.addInitScript(({ persist }) => {
    const w = window as unknown as { __net: NetCall[] };
    if (w.__net) return;
    const log: NetCall[] = (w.__net = []);
    let inflight = 0;
    // One localStorage key per page (`__e2e_net:<n>`), rewritten on every change, so
    // late facts (a refused call) are kept too.
    const key = `__e2e_net:${Date.now()}-${Math.floor(performance.now() * 1000)}-${Math.random().toString(36).slice(2)}`;
    const save = (_call?: NetCall) => {
      if (!persist) return;
      try { localStorage.setItem(key, JSON.stringify(log)); } catch { /* the log must never break the page */ }
    };
    const ids = (body: unknown): string[] | undefined => {
      if (typeof body !== 'string') return undefined;
      try {
        const j = JSON.parse(body) as { batch?: Array<{ messageId?: string }>; messageId?: string };
        if (Array.isArray(j.batch)) return j.batch.map((e) => String(e?.messageId));
        return typeof j.messageId === 'string' ? [j.messageId] : undefined;
      } catch {
        return undefined;
      }
    };
    const size = (body: unknown): number => {
      if (typeof body === 'string') return new TextEncoder().encode(body).length;
      if (body instanceof Blob) return body.size;
      if (body instanceof ArrayBuffer) return body.byteLength;
      if (ArrayBuffer.isView(body)) return body.byteLength;
      return 0;
    };
    const origFetch = window.fetch;
    window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
      const keepalive = !!init?.keepalive || (input instanceof Request && input.keepalive);
      const bytes = size(init?.body);
      if (keepalive) inflight += bytes;
      const call: NetCall = { kind: 'fetch', url: String(input instanceof Request ? input.url : input), bytes, keepalive, at: Date.now(), page: location.href, messageIds: ids(init?.body), inflightKeepalive: keepalive ? inflight : 0 };
      log.push(call);
      save(call);
      const settle = () => { if (keepalive) inflight -= bytes; };
      try {
        const p = origFetch.call(this, input, init);
        p.then(settle, (err) => { settle(); call.refused = true; save(); void err; });
        return p;
      } catch (err) {
        settle();
        call.refused = true;
        save();
        throw err;
      }
    };
    if (navigator.sendBeacon) {
      const origBeacon = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url: string | URL, data?: BodyInit | null) => {
        const bytes = size(data);
        const ok = origBeacon(url, data);
        // A beacon has no completion signal: count it as in flight for the rest of the page.
        if (ok) inflight += bytes;
        const call: NetCall = { kind: 'beacon', url: String(url), bytes, keepalive: true, at: Date.now(), page: location.href, messageIds: ids(data), inflightKeepalive: inflight, refused: !ok };
        log.push(call);
        save(call);
        return ok;
      };
    }
  }, { persist: !!options.persist });
}

/** The calls logged by `installNetLog` in this page. */
export async function netCalls(page: Page): Promise<NetCall[]> {
  return page.evaluate(() => (window as unknown as { __net?: NetCall[] }).__net ?? []);
}

/** The calls logged with `persist: true` by every page of this origin so far (e.g. one now closed), oldest first. */
export async function persistedNetCalls(page: Page): Promise<NetCall[]> {
  return page.evaluate(() => {
    const all: NetCall[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i)!;
      if (k.startsWith('__e2e_net:')) all.push(...(JSON.parse(localStorage.getItem(k) || '[]') as NetCall[]));
    }
    return all.sort((x, y) => x.at - y.at);
  });
}
