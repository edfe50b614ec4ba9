/**
 * Test doubles for the SDK unit tests (happy-dom + fake-indexeddb): a fresh IndexedDB,
 * an empty localStorage, a recording collector behind `fetch`, and browser switches.
 */
import { IDBFactory } from 'fake-indexeddb';
import { vi } from 'vitest';
import type { BatchBody, IngestResponse, PortraitEvent } from '@portrait/protocol';

export interface Sent {
  url: string;
  body: BatchBody & { writeKey: string };
  keepalive?: boolean;
}

/** What the fake collector answers: a status and optional headers/body; default 200 with every event accepted. */
export type Answer = { status: number; headers?: Record<string, string>; body?: Partial<IngestResponse> };

export const collector = (writeKey: string) => {
  const sent: Sent[] = [];
  const answers: Answer[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string);
    // SDK instances of earlier tests (other write keys) may still flush: not this test's traffic.
    if (body.writeKey !== writeKey) return new Response('{}', { status: 200 });
    sent.push({ url, body, keepalive: init.keepalive });
    const a = answers.shift() || { status: 200 };
    if (a.status === 0) throw new TypeError('Failed to fetch');
    const n = body.batch?.length ?? 0;
    const json = a.status < 300 ? { success: true, accepted: n, duplicates: 0, discarded: 0, rejected: [], ...a.body } : { success: false };
    return new Response(JSON.stringify(json), { status: a.status, headers: a.headers });
  });
  vi.stubGlobal('fetch', fetch);
  return {
    sent,
    fetch,
    /** Queue answers for the next requests (network error: status 0). */
    answer: (...a: Answer[]) => answers.push(...a),
    /** Every event received, in order. */
    events: (): PortraitEvent[] => sent.flatMap((s) => s.body.batch ?? []),
  };
};

let n = 0;
/** A fresh browser: empty IndexedDB, localStorage and sessionStorage, online, no GPC/CMP. Returns a unique write key. */
export const freshBrowser = (): string => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  localStorage.clear();
  sessionStorage.clear();
  setOnline(true);
  Object.defineProperty(navigator, 'globalPrivacyControl', { value: undefined, configurable: true });
  delete (window as { __tcfapi?: unknown }).__tcfapi;
  return `wk_test_${++n}`;
};

export const setOnline = (on: boolean) => Object.defineProperty(navigator, 'onLine', { value: on, configurable: true });

/** Names of the IndexedDB databases that exist. */
export const databases = async () => (await indexedDB.databases()).map((d) => d.name);

/** localStorage keys written by the SDK. */
export const storedKeys = () =>
  [...Object.keys(localStorage), ...Object.keys(sessionStorage).map((k) => 'session:' + k)].filter((k) => /^(session:)?portrait\./.test(k));

/** Lets IndexedDB (setImmediate-driven in fake-indexeddb) and promise chains run. */
export const settle = async (rounds = 20) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

/**
 * A minimal Web Locks API (happy-dom has none): exclusive locks queued per name,
 * `query()` listing held ones, and `close(name)` to drop a lock as a closing tab would.
 */
export const fakeLocks = () => {
  const tails = new Map<string, Promise<unknown>>();
  const held = new Set<string>();
  const locks = {
    request(name: string, cb: (lock: { name: string }) => unknown) {
      const run = (tails.get(name) || Promise.resolve()).then(async () => {
        held.add(name);
        try {
          return await Promise.race([cb({ name }), new Promise((r) => closers.set(name, r))]);
        } finally {
          held.delete(name);
        }
      });
      tails.set(name, run.catch(() => {}));
      return run;
    },
    query: async () => ({ held: [...held].map((name) => ({ name })), pending: [] }),
  };
  const closers = new Map<string, (v?: unknown) => void>();
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
  return {
    held: () => [...held],
    /** Releases `name` as if its tab closed. */
    close: (name: string) => closers.get(name)?.(),
    remove: () => Object.defineProperty(navigator, 'locks', { value: null, configurable: true }),
  };
};
