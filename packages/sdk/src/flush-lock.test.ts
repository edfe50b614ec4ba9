import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPortrait } from './create-portrait';
import { createDurableQueue } from './durable-queue';
import { lease, withFlushLock } from './flush-lock';
import { collector, fakeLocks, freshBrowser, setOnline, settle } from './test-helpers';

let wk: string;
let c: ReturnType<typeof collector>;
/** The next page loaded in the current tab (same sessionStorage). */
const page = (w = wk) => createPortrait().init({ writeKey: w, host: 'https://h.test' });
/** A page in a new tab (its own sessionStorage; localStorage and IndexedDB are shared). */
const tab = (w = wk) => (sessionStorage.clear(), page(w));

beforeEach(() => {
  wk = freshBrowser();
  c = collector(wk);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  Object.defineProperty(navigator, 'locks', { value: null, configurable: true });
});

describe('with Web Locks', () => {
  it('two tabs offline with 50 events each: 100 unique once online, one flush at a time', async () => {
    const l = fakeLocks();
    setOnline(false);
    const a = tab();
    const b = tab();
    for (let i = 0; i < 50; i++) a.track('a' + i), b.track('b' + i);
    await settle();
    let inFlight = 0;
    let overlap = 0;
    const inner = c.fetch.getMockImplementation()!;
    c.fetch.mockImplementation(async (...args) => {
      if (++inFlight > 1) overlap++;
      await settle(3);
      inFlight--;
      return inner(...args);
    });
    setOnline(true);
    await Promise.all([a.flush(), b.flush()]);
    const ids = c.events().map((e) => e.messageId);
    expect(ids).toHaveLength(100);
    expect(new Set(ids).size).toBe(100);
    expect(overlap).toBe(0);
    expect(l.held()).toEqual([]);
  });

  it("a closed tab's events are picked up by another tab, once", async () => {
    fakeLocks();
    setOnline(false);
    const a = tab();
    const b = tab();
    a.track('from a');
    await settle();
    setOnline(true);
    await b.flush();
    await a.flush();
    expect(c.events().map((e) => (e as { event: string }).event)).toEqual(['from a']);
  });

  it('a tab sending at unload holds the other tabs back meanwhile', async () => {
    fakeLocks();
    const a = tab();
    const b = tab();
    c.answer({ status: 200 });
    a.track('closing');
    b.track('staying');
    await settle(); // both stored (an event not yet written is sent at unload whoever holds the lease)
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    const lease = localStorage.getItem('portrait.lease');
    expect(lease).toMatch(/ \d+$/);
    await settle();
    // One of the two tabs took the lease and sent at unload; the other one waits for it.
    const before = c.sent.length;
    expect(before).toBe(1);
    await Promise.all([a.flush(), b.flush()]);
    expect(new Set(c.events().map((e) => e.messageId)).size).toBe(c.events().length);
  });
  it("the next page of the same tab is not held back by the lease its previous page took at unload", async () => {
    fakeLocks();
    const first = tab();
    first.track('on page 1');
    await settle();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    await settle();
    expect(localStorage.getItem('portrait.lease')).toMatch(/ \d+$/); // taken at unload, 10 s
    const next = page();
    next.track('on page 2');
    await next.flush();
    // Sent at once, not after the lease runs out.
    expect(c.events().map((e) => (e as { event: string }).event)).toEqual(['on page 1', 'on page 2']);
    // A page of another tab still waits for the lease holder.
    const other = tab();
    other.track('in another tab');
    await settle();
    localStorage.setItem('portrait.lease', 'a-sending-tab ' + (Date.now() + 10_000));
    await other.flush();
    expect(c.events().map((e) => (e as { event: string }).event)).not.toContain('in another tab');
    other.consent.deny(); // nothing left to retry after the test
  });
});

describe('without Web Locks (localStorage lease)', () => {
  it('does not flush while another tab holds an unexpired lease', async () => {
    localStorage.setItem('portrait.lease', `other-tab ${Date.now() + 30_000}`);
    const p = tab();
    p.track('x');
    await p.flush();
    expect(c.fetch).not.toHaveBeenCalled();
    localStorage.setItem('portrait.lease', `other-tab ${Date.now() - 1}`);
    await p.flush();
    expect(c.events()).toHaveLength(1);
    expect(localStorage.getItem('portrait.lease')).toBeNull();
  });

  it('lets its holder renew the lease, refuses others until it expires, and releases it afterwards', async () => {
    const seen: boolean[] = [];
    await withFlushLock(
      'portrait-flush-k',
      async () => {
        seen.push(lease('tab1', 60_000), lease('tab2', 60_000), lease('tab1', 60_000));
        expect(localStorage.getItem('portrait.lease')).toMatch(/^tab1 \d+$/);
      },
      () => lease('tab1', 0),
    );
    expect(seen).toEqual([true, false, true]);
    expect(localStorage.getItem('portrait.lease')).toBeNull();
    localStorage.setItem('portrait.lease', `tab1 ${Date.now() - 1}`);
    expect(lease('tab2', 10)).toBe(true);
  });
});

describe('the IndexedDB lease (atomic between tabs)', () => {
  const twoTabs = () => {
    const fail = vi.fn();
    const qs = [createDurableQueue('portrait-' + wk, fail), createDurableQueue('portrait-' + wk, fail)];
    qs.forEach((q) => q._open());
    return { qs, fail };
  };

  it('two tabs racing for it: exactly one wins, the other once it is released or expired', async () => {
    const { qs, fail } = twoTabs();
    for (let round = 0; round < 5; round++) {
      const won = (await Promise.all([qs[0]._leased('t0', 60_000), qs[1]._leased('t1', 60_000)])).map((other) => !other);
      expect(won.filter(Boolean)).toHaveLength(1);
      const holder = won.indexOf(true);
      // Its holder renews it; the other tab still cannot take it.
      expect(await qs[holder]._leased('t' + holder, 60_000)).toBeFalsy();
      expect(await qs[1 - holder]._leased('t' + (1 - holder), 60_000)).toBe(true);
      await qs[holder]._leased('t' + holder, 0);
    }
    // An expired lease (a tab that died holding it) is taken over.
    const now = Date.now();
    expect(await qs[0]._leased('t0', 1_000)).toBeFalsy();
    expect(await qs[1]._leased('t1', 60_000)).toBe(true);
    vi.spyOn(Date, 'now').mockReturnValue(now + 1_001);
    expect(await qs[1]._leased('t1', 60_000)).toBeFalsy();
    expect(await qs[0]._leased('t0', 60_000)).toBe(true);
    expect(fail).not.toHaveBeenCalled();
  });

  it('is not an event: queue keys, bounds and batches ignore it', async () => {
    const { qs } = twoTabs();
    await qs[0]._leased('t0', 60_000);
    qs[0]._add({ _k: [1, 'm1', 10], _e: { messageId: 'm1' } as never });
    expect(await qs[1]._keys()).toEqual([[1, 'm1', 10]]);
    expect(await qs[1]._trim(0, 0)).toEqual([[1, 'm1', 10]]);
    expect(await qs[0]._keys()).toEqual([]);
  });
});
