import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPortrait } from './create-portrait';
import { lease, withFlushLock } from './flush-lock';
import { collector, fakeLocks, freshBrowser, setOnline, settle } from './test-helpers';

let wk: string;
let c: ReturnType<typeof collector>;
const tab = (w = wk) => createPortrait().init({ writeKey: w, host: 'https://h.test' });

beforeEach(() => {
  wk = freshBrowser();
  c = collector(wk);
});
afterEach(() => {
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
    await withFlushLock('portrait-flush-k', 'tab1', async () => {
      seen.push(lease('tab1', 60_000), lease('tab2', 60_000), lease('tab1', 60_000));
      expect(localStorage.getItem('portrait.lease')).toMatch(/^tab1 \d+$/);
    });
    expect(seen).toEqual([true, false, true]);
    expect(localStorage.getItem('portrait.lease')).toBeNull();
    localStorage.setItem('portrait.lease', `tab1 ${Date.now() - 1}`);
    expect(lease('tab2', 10)).toBe(true);
  });
});
