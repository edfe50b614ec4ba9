import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPortrait } from './create-portrait';
import { collector, databases, freshBrowser, setOnline, settle, storedKeys } from './test-helpers';
import type { DeliveryError, InitOptions } from './types';

let wk: string;
let c: ReturnType<typeof collector>;
const host = 'https://collect.example.test';
const start = (o: Partial<InitOptions> = {}) => createPortrait().init({ writeKey: wk, host, ...o });
const errors = (p: ReturnType<typeof start>) => {
  const out: DeliveryError[] = [];
  p.on('error', (e) => out.push(e));
  return out;
};

beforeEach(() => {
  wk = freshBrowser();
  c = collector(wk);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('envelope', () => {
  it('sends Segment envelopes with ids, timestamps and browser context in a text/plain batch', async () => {
    const p = start();
    p.track('Signed Up', { plan: 'pro' });
    await p.flush();
    expect(c.sent).toHaveLength(1);
    const { url, body } = c.sent[0];
    expect(url).toBe(`${host}/v1/b`);
    expect(body.writeKey).toBe(wk);
    expect(Date.parse(body.sentAt!)).not.toBeNaN();
    const [e] = body.batch;
    expect(e).toMatchObject({ type: 'track', event: 'Signed Up', properties: { plan: 'pro' } });
    expect(e.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.anonymousId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(e.timestamp!).toISOString()).toBe(e.timestamp);
    expect(e.sentAt).toBe(body.sentAt);
    expect(e.context).toMatchObject({
      library: { name: '@portrait/sdk', version: '0.1.0' },
      page: { path: location.pathname, url: location.href, title: document.title, search: location.search, referrer: document.referrer },
      userAgent: navigator.userAgent,
      locale: navigator.language,
      screen: { width: screen.width, height: screen.height },
      consent: { mode: 'optional', status: 'granted', source: 'default', gpc: false, categories: { analytics: true, marketing: true } },
    });
    expect(typeof e.context!.timezone).toBe('string');
    // No JSON content type: text/plain keeps the request "simple" (no CORS preflight).
    expect(typeof c.fetch.mock.calls[0][1].body).toBe('string');
  });

  it('stamps identify, page, alias and group with the right fields', async () => {
    const p = start();
    p.identify('u1', { email: 'a@b.c' });
    p.page('Home', { section: 'top' });
    p.alias('u2');
    p.group('acme', { plan: 'team' });
    await p.flush();
    const [id, pg, al, gr] = c.events();
    expect(id).toMatchObject({ type: 'identify', userId: 'u1', traits: { email: 'a@b.c' } });
    expect(pg).toMatchObject({ type: 'page', name: 'Home', userId: 'u1', properties: { section: 'top', path: location.pathname, url: location.href } });
    expect(al).toMatchObject({ type: 'alias', userId: 'u2', previousId: 'u1' });
    expect(gr).toMatchObject({ type: 'group', groupId: 'acme', traits: { plan: 'team' } });
    expect(new Set(c.events().map((e) => e.anonymousId)).size).toBe(1);
    expect(p.user()).toEqual({ anonymousId: id.anonymousId, userId: 'u1' });
  });

  it('keeps the anonymous id across page loads once stored, and reset() starts a new one', async () => {
    const a = start();
    a.track('one');
    await a.flush();
    const b = start();
    b.track('two');
    await b.flush();
    const [e1, e2] = c.events();
    expect(e2.anonymousId).toBe(e1.anonymousId);
    b.reset();
    b.track('three');
    await b.flush();
    expect(c.events()[2].anonymousId).not.toBe(e1.anonymousId);
  });

  it('applies per-call options and plugin enrichers', async () => {
    const p = createPortrait();
    p.use({ name: 'campaign', setup: (core) => core.addEnricher((e) => void ((e.context as Record<string, unknown>).campaign = { source: 'x' })) });
    p.init({ writeKey: wk, host });
    p.track('t', {}, { timestamp: '2026-01-02T03:04:05.000Z', anonymousId: 'anon-1', context: { locale: 'fr-FR' } });
    await p.flush();
    expect(c.events()[0]).toMatchObject({ timestamp: '2026-01-02T03:04:05.000Z', anonymousId: 'anon-1', context: { locale: 'fr-FR', campaign: { source: 'x' } } });
  });

  it('replays calls made before init, in order', async () => {
    const p = createPortrait();
    p.track('first');
    p.identify('u9');
    p.track('second');
    expect(c.fetch).not.toHaveBeenCalled();
    p.init({ writeKey: wk, host });
    await p.flush();
    expect(c.events().map((e) => e.type + ':' + ((e as { event?: string }).event ?? ''))).toEqual(['track:first', 'identify:', 'track:second']);
    expect(c.events()[2].userId).toBe('u9');
  });

  it('throws only for a missing write key; bad input never throws into the page', async () => {
    expect(() => createPortrait().init({} as InitOptions)).toThrow(/writeKey/);
    const p = start();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => p.track('x', circular as never)).not.toThrow();
    expect(() => p.track('y', { big: 'x'.repeat(40_000) })).not.toThrow();
    const errs = errors(p);
    p.track('z', { big: 'x'.repeat(40_000) });
    expect(errs[0]).toMatchObject({ kind: 'rejected' });
    p.on('delivered', () => {
      throw new Error('listener bug');
    });
    p.track('ok');
    await expect(p.flush()).resolves.toBeUndefined();
    expect(c.events().map((e) => (e as { event: string }).event)).toEqual(['ok']);
  });
});

describe('consent', () => {
  it("'required': nothing stored or sent before grant; held events are sent on grant", async () => {
    const p = start({ consent: 'required' });
    expect(p.consent.get()).toMatchObject({ status: 'pending', source: 'default', categories: { analytics: false } });
    for (let i = 0; i < 5; i++) p.track('pre ' + i);
    await p.flush();
    await settle();
    expect(c.fetch).not.toHaveBeenCalled();
    expect(storedKeys()).toEqual([]);
    expect(document.cookie).toBe('');
    expect(await databases()).toEqual([]);

    p.consent.grant();
    await p.flush();
    expect(c.events()).toHaveLength(5);
    expect(c.events()[0].context!.consent).toMatchObject({ mode: 'required', status: 'granted', source: 'api' });
    // The tab's id (sessionStorage) too, so that its next page shares this page's flush lease.
    expect(storedKeys().sort()).toEqual(['portrait.aid', 'portrait.consent', 'session:portrait.tab']);
    // The grant lasts a reload.
    expect(start({ consent: 'required' }).consent.get().status).toBe('granted');
  });

  it("'required': deny drops held events and later calls do nothing", async () => {
    const p = start({ consent: 'required' });
    p.track('held');
    p.consent.deny();
    p.track('after deny');
    await p.flush();
    expect(p.consent.get().status).toBe('denied');
    p.consent.grant(['marketing']);
    p.track('no analytics consent');
    await p.flush();
    await settle();
    expect(c.fetch).not.toHaveBeenCalled();
    expect(await databases()).toEqual([]);
  });

  it("'optional': tracks by default; deny stops and is remembered", async () => {
    const p = start();
    p.consent.deny();
    p.track('x');
    await p.flush();
    expect(c.fetch).not.toHaveBeenCalled();
    expect(start().consent.get().status).toBe('denied');
  });

  it('withdraw stops at once, purges queue and identifiers, and can ask for erasure', async () => {
    const p = start();
    setOnline(false);
    for (let i = 0; i < 30; i++) p.track('queued ' + i);
    await settle();
    expect(await databases()).toEqual([`portrait-${wk}`]);
    const { anonymousId } = p.user();
    p.consent.withdraw({ erase: true });
    setOnline(true);
    dispatchEvent(new Event('online'));
    p.track('after withdraw');
    await p.flush();
    await settle();
    expect(c.sent).toHaveLength(1);
    expect(c.sent[0].url).toBe(`${host}/v1/erase`);
    expect(c.sent[0].body).toMatchObject({ writeKey: wk, anonymousId });
    expect((c.sent[0].body as unknown as { messageId: string }).messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await databases()).toEqual([]);
    expect(storedKeys()).toEqual(['portrait.consent']);
    expect(p.user().anonymousId).not.toBe(anonymousId);
  });

  it('Global Privacy Control denies marketing and is flagged in context', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    const p = start();
    p.consent.grant();
    expect(p.consent.get()).toMatchObject({ gpc: true, categories: { analytics: true, personalization: true, marketing: false } });
    p.track('x');
    await p.flush();
    expect(c.events()[0].context!.consent).toMatchObject({ gpc: true, categories: { marketing: false } });
  });

  it("Google Consent Mode analytics_storage 'denied': nothing stored or sent until an update grants it", async () => {
    const w = window as unknown as { dataLayer: unknown[] };
    w.dataLayer = [['consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied' }]];
    try {
      const p = start();
      p.track('while denied');
      await p.flush();
      await settle();
      expect(c.fetch).not.toHaveBeenCalled();
      expect(storedKeys()).toEqual([]);
      expect(await databases()).toEqual([]);
      w.dataLayer.push(['consent', 'update', { analytics_storage: 'granted' }]);
      p.track('after update');
      await p.flush();
      expect(c.events().map((e) => (e as { event: string }).event)).toEqual(['while denied', 'after update']);
    } finally {
      delete (window as { dataLayer?: unknown }).dataLayer;
    }
  });

  it('follows an IAB TCF CMP: waits for it, then purpose 1 decides', async () => {
    let listener: (d: unknown, ok: boolean) => void = () => {};
    (window as { __tcfapi?: unknown }).__tcfapi = (cmd: string, v: number, cb: typeof listener) => {
      if (cmd === 'addEventListener' && v === 2) listener = cb;
    };
    const p = start(); // 'optional', but a CMP is on the page
    p.track('while the banner shows');
    listener({ eventStatus: 'cmpuishown', gdprApplies: true, purpose: { consents: {} } }, true);
    await p.flush();
    expect(p.consent.get().status).toBe('pending');
    expect(c.fetch).not.toHaveBeenCalled();

    listener({ eventStatus: 'useractioncomplete', gdprApplies: true, purpose: { consents: { 1: true } } }, true);
    expect(p.consent.get()).toMatchObject({ status: 'granted', source: 'tcf', categories: { analytics: true, marketing: false } });
    await p.flush();
    expect(c.events()).toHaveLength(1);

    listener({ eventStatus: 'useractioncomplete', gdprApplies: true, purpose: { consents: { 1: false } } }, true);
    expect(p.consent.get().status).toBe('denied');
    p.track('after objection');
    await p.flush();
    expect(c.events()).toHaveLength(1);
  });
});

describe('queue', () => {
  it('writes each event to IndexedDB when captured and removes it only on acknowledgement', async () => {
    const p = start();
    c.answer({ status: 503 });
    p.track('kept');
    await settle();
    const later = start(); // a reload: same database
    expect(await databases()).toEqual([`portrait-${wk}`]);
    await p.flush();
    expect(c.sent).toHaveLength(1);
    // A second page (or reload) picks up what is left; the failed first page is still backing off.
    await later.flush();
    expect(c.sent).toHaveLength(2);
    expect(c.sent[1].body.batch[0].messageId).toBe(c.sent[0].body.batch[0].messageId);
    await later.flush();
    expect(c.sent).toHaveLength(2);
  });

  it('evicts the oldest past maxQueueEvents and reports them', async () => {
    setOnline(false);
    const p = start({ maxQueueEvents: 5 });
    const errs = errors(p);
    for (let i = 0; i < 8; i++) p.track('e' + i);
    await settle();
    const evicted = errs.filter((e) => e.kind === 'evicted').flatMap((e) => e.messageIds!);
    expect(evicted).toHaveLength(3);
    setOnline(true);
    await p.flush();
    expect(c.events().map((e) => (e as { event: string }).event)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7']);
    expect(c.events().some((e) => evicted.includes(e.messageId))).toBe(false);
  });

  it('evicts the oldest past maxQueueBytes', async () => {
    setOnline(false);
    const p = start({ maxQueueBytes: 6000 });
    const errs = errors(p);
    for (let i = 0; i < 6; i++) p.track('e' + i, { pad: 'x'.repeat(1500) });
    await settle();
    setOnline(true);
    await p.flush();
    const bytes = c.events().reduce((n, e) => n + JSON.stringify(e).length, 0);
    expect(bytes).toBeLessThanOrEqual(6000 + 1000);
    expect(errs.some((e) => e.kind === 'evicted')).toBe(true);
    expect((c.events().at(-1) as { event: string }).event).toBe('e5');
  });

  it('bounds events held before consent too', async () => {
    const p = start({ consent: 'required', maxQueueEvents: 3 });
    const errs = errors(p);
    for (let i = 0; i < 5; i++) p.track('e' + i);
    await settle();
    expect(errs.filter((e) => e.kind === 'evicted').flatMap((e) => e.messageIds!)).toHaveLength(2);
    p.consent.grant();
    await p.flush();
    expect(c.events()).toHaveLength(3);
  });

  it('falls back to memory when IndexedDB throws, without an exception reaching the page', async () => {
    vi.stubGlobal('indexedDB', {
      open: () => {
        throw new DOMException('private mode', 'InvalidStateError');
      },
      deleteDatabase: () => {
        throw new DOMException('private mode', 'InvalidStateError');
      },
    });
    const p = start();
    const errs = errors(p);
    p.track('a');
    p.track('b');
    await p.flush();
    expect(errs.filter((e) => e.kind === 'storage')).toHaveLength(1);
    expect(c.events()).toHaveLength(2);
    expect(() => p.consent.withdraw()).not.toThrow();
  });

  it('falls back to memory when IndexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const p = start();
    p.track('a');
    await p.flush();
    expect(c.events()).toHaveLength(1);
  });
});

describe('delivery', () => {
  it('sends batches of at most 20 events', async () => {
    const p = start();
    for (let i = 0; i < 45; i++) p.track('e' + i);
    await p.flush();
    expect(c.sent.map((s) => s.body.batch.length)).toEqual([20, 20, 5]);
    expect(new Set(c.events().map((e) => e.messageId)).size).toBe(45);
  });

  it('sends on its own within flushInterval, or at once when flushAt events are queued', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const p = start();
    p.track('alone');
    await settle();
    expect(c.fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(c.sent).toHaveLength(1);
    for (let i = 0; i < 20; i++) p.track('burst' + i);
    await settle(200); // no timer advanced: the 20th event alone triggers the send
    expect(c.sent).toHaveLength(2);
  });

  it('keeps the messageId across retries and sets sentAt per attempt', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    c.answer({ status: 500 }, { status: 0 }, { status: 502 });
    const p = start();
    p.track('x');
    await p.flush();
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(300_000);
      await settle();
    }
    expect(c.sent).toHaveLength(4);
    expect(new Set(c.sent.map((s) => s.body.batch[0].messageId)).size).toBe(1);
    expect(new Set(c.sent.map((s) => s.body.sentAt)).size).toBe(4);
  });

  it('waits with full jitter that grows exponentially', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    c.answer({ status: 500 }, { status: 500 }, { status: 500 });
    const p = start();
    p.track('x');
    await p.flush();
    const at: number[] = [];
    c.fetch.mockImplementation(async () => {
      at.push(Date.now());
      return new Response('{}', { status: 500 });
    });
    const t0 = Date.now();
    for (let i = 0; i < 100; i++) {
      await vi.advanceTimersByTimeAsync(100);
      await settle(2);
    }
    // Waits of ~1 s, ~2 s, ~4 s (random 0.999 of the window): attempts at ~1 s, ~3 s, ~7 s.
    expect(at.map((t) => Math.round((t - t0) / 1000))).toEqual([1, 3, 7]);
  });

  it('abandons a request that gets no answer within 30 s (plus 1 s per 4 KB of body) and sends the batch again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    // happy-dom times AbortSignal.timeout on its own clock: this one runs on the fake timers, like a browser's would.
    vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => {
      const a = new AbortController();
      setTimeout(() => a.abort(new DOMException('signal timed out', 'TimeoutError')), ms);
      return a.signal;
    });
    const inner = c.fetch.getMockImplementation()!;
    let stalled!: () => void;
    const sending = new Promise<void>((r) => (stalled = r));
    // The first request stalls (no answer, no error) until its signal aborts it.
    c.fetch.mockImplementationOnce((_, init) => {
      stalled();
      return new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
    });
    const p = start();
    p.track('x');
    void p.flush();
    await sending;
    await vi.advanceTimersByTimeAsync(29_000);
    await settle();
    expect(c.fetch).toHaveBeenCalledTimes(1);
    // Abandoned at 30 s (and a few ms for this small body), then sent again after the first retry wait (at most 1 s).
    await vi.advanceTimersByTimeAsync(2_500);
    await settle();
    expect(c.fetch).toHaveBeenCalledTimes(2);
    expect(c.events()).toEqual([expect.objectContaining({ type: 'track', event: 'x' })]);
  });

  it('honours Retry-After: nothing is sent before it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    c.answer({ status: 429, headers: { 'Retry-After': '120' } });
    const p = start();
    p.track('x');
    await p.flush();
    p.track('y');
    await p.flush();
    await vi.advanceTimersByTimeAsync(119_000);
    await settle();
    expect(c.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await settle();
    expect(c.sent).toHaveLength(2);
    expect(c.sent[1].body.batch).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 413, 422])('does not retry %i: drops and reports', async (status) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    c.answer({ status });
    const p = start();
    const errs = errors(p);
    p.track('x');
    await p.flush();
    await vi.advanceTimersByTimeAsync(600_000);
    await settle();
    expect(c.sent).toHaveLength(1);
    expect(errs).toEqual([expect.objectContaining({ kind: 'http', status, messageIds: [c.sent[0].body.batch[0].messageId] })]);
  });

  it.each([408, 429, 500, 503])('retries %i', async (status) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    c.answer({ status });
    const p = start();
    p.track('x');
    await p.flush();
    await vi.advanceTimersByTimeAsync(2_000);
    await settle();
    expect(c.sent).toHaveLength(2);
  });

  it('reports rejected events and never resends them', async () => {
    const p = start();
    const errs = errors(p);
    const delivered: string[] = [];
    p.on('delivered', (d) => delivered.push(...d.messageIds));
    p.track('good');
    p.track('bad');
    await settle();
    c.answer({ status: 200, body: { accepted: 1, rejected: [{ index: 1, reason: 'event_too_large', message: 'too big' }] } });
    await p.flush();
    const [good, bad] = c.events().map((e) => e.messageId);
    expect(errs).toEqual([expect.objectContaining({ kind: 'rejected', messageIds: [bad], rejected: [expect.objectContaining({ index: 1 })] })]);
    expect(delivered).toEqual([good]);
    await p.flush();
    expect(c.sent).toHaveLength(1);
  });

  it('holds everything while offline and flushes on `online`', async () => {
    setOnline(false);
    const p = start();
    for (let i = 0; i < 200; i++) p.track('e' + i);
    await p.flush();
    await settle();
    expect(c.fetch).not.toHaveBeenCalled();
    setOnline(true);
    dispatchEvent(new Event('online'));
    await settle(60);
    await p.flush();
    expect(new Set(c.events().map((e) => e.messageId)).size).toBe(200);
    expect(c.events()).toHaveLength(200);
  });

  it('sends with keepalive when the page is hidden, within the 64 KiB budget', async () => {
    const p = start();
    for (let i = 0; i < 30; i++) p.track('e' + i, { pad: 'x'.repeat(3000) });
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    const bytes = c.sent.reduce((n, s) => n + new Blob([JSON.stringify(s.body)]).size, 0);
    expect(c.sent.length).toBeGreaterThan(0);
    expect(c.sent.every((s) => s.keepalive)).toBe(true);
    // No timeout on unload requests: aborting one would hand its body to sendBeacon as well.
    expect(c.fetch.mock.calls.every(([, init]) => !init.signal)).toBe(true);
    expect(bytes).toBeLessThanOrEqual(65_536);
    expect(c.events().length).toBeLessThan(30);
    // The rest is sent normally afterwards, each event once.
    await settle();
    await p.flush();
    expect(new Set(c.events().map((e) => e.messageId)).size).toBe(30);
    expect(c.events()).toHaveLength(30);
  });

  it('an event tracked after the hidden-page flush (a late listener, web vitals) is sent at once with keepalive', async () => {
    const p = start();
    p.track('before');
    await settle();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    p.track('Web Vital', { metric: 'INP' });
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    // Synchronously, in the same task: the page may be gone before any promise settles.
    expect(c.sent.every((s) => s.keepalive)).toBe(true);
    expect(c.events().map((e) => (e as { event: string }).event)).toEqual(['before', 'Web Vital']);
  });

  it('while another tab holds the unload lease, the stored events are left to it and the unwritten ones go with keepalive', async () => {
    // Another tab sent at unload moments ago; its lease has not run out.
    localStorage.setItem('portrait.lease', 'another-tab ' + (Date.now() + 10_000));
    const p = start();
    p.track('written');
    await settle(); // committed to IndexedDB: the next page sends it if nobody else does
    p.track('not yet written'); // the visitor leaves in the same task
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    expect(c.sent.every((s) => s.keepalive)).toBe(true);
    expect(c.events().map((e) => (e as { event: string }).event)).toEqual(['not yet written']);
  });

  it('keepalive fetch failing, handed to sendBeacon: pagehide after visibilitychange sends no id twice, within 64 KiB', async () => {
    const beacons: string[] = [];
    vi.stubGlobal('navigator', Object.assign(navigator, { sendBeacon: vi.fn((_url: string, body: string) => (beacons.push(body), true)) }));
    const inner = c.fetch.getMockImplementation()!;
    c.fetch.mockImplementation(async (url, init) => {
      if (init.keepalive) throw new TypeError('Failed to fetch: keepalive');
      return inner(url, init);
    });
    const p = start();
    for (let i = 0; i < 30; i++) p.track('e' + i, { pad: 'x'.repeat(3000) });
    await settle();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    await settle();
    dispatchEvent(new Event('pagehide'));
    await settle();
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    expect(beacons.length).toBeGreaterThan(0);
    const ids = beacons.flatMap((b) => (JSON.parse(b) as { batch: { messageId: string }[] }).batch.map((e) => e.messageId));
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(beacons.reduce((n, b) => n + new Blob([b]).size, 0)).toBeLessThanOrEqual(65_536);
  });

  it('reports events that are not JSON (circular, BigInt) through on(error) and still delivers the rest', async () => {
    const p = start();
    const errs = errors(p);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    p.track('Circular', circular as never);
    p.track('BigInt', { n: BigInt(1) } as never);
    p.track('Fine');
    await p.flush();
    expect(errs).toHaveLength(2);
    for (const e of errs) expect(e).toMatchObject({ kind: 'rejected', message: 'not JSON', messageIds: [expect.stringMatching(/^[0-9a-f-]{36}$/)] });
    expect(c.events().map((e) => (e as { event: string }).event)).toEqual(['Fine']);
  });
});
