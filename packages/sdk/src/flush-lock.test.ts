import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPortrait } from './create-portrait';
import { withFlushLock } from './flush-lock';
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
    expect(l.held().filter((n) => n.startsWith('portrait-tab-'))).toHaveLength(2);
  });

  it("a live tab's events are left to it; a closed tab's events are picked up", async () => {
    const l = fakeLocks();
    setOnline(false);
    const a = tab();
    const b = tab();
    a.track('from a');
    await settle();
    setOnline(true);
    await b.flush();
    expect(c.events()).toHaveLength(0);
    // Tab A closes: its tab lock goes away with it.
    for (const n of l.held()) if (n.startsWith('portrait-tab-')) l.close(n);
    await settle();
    await b.flush();
    expect(c.events().map((e) => (e as { event: string }).event)).toEqual(['from a']);
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

  it('renews the lease for its own tab and releases it afterwards', async () => {
    const seen: boolean[] = [];
    await withFlushLock('portrait-flush-k', 'tab1', async (renew) => {
      seen.push(renew());
      expect(localStorage.getItem('portrait.lease')).toMatch(/^tab1 \d+$/);
      seen.push(renew());
    });
    expect(seen).toEqual([true, true]);
    expect(localStorage.getItem('portrait.lease')).toBeNull();
  });
});
