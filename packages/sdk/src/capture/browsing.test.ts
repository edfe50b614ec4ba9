import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browsing } from './browsing';
import { fakeCore, type FakeCore } from './fake-core';
import { pages } from './pages';

let core: FakeCore;
const engaged = () => core.events.filter((e) => e.type == 'track' && e.event == 'Page Engaged');
const setVisibility = (v: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { value: v, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};
const scrollTo = (y: number) => {
  Object.defineProperty(window, 'scrollY', { value: y, configurable: true });
  window.dispatchEvent(new Event('scroll'));
};
const at = (ms: number) => vi.setSystemTime(1_000_000 + ms);
const interact = (ms: number) => {
  at(ms);
  window.dispatchEvent(new Event('pointerdown'));
};

beforeEach(() => {
  vi.useFakeTimers();
  at(0);
  history.replaceState(null, '', '/article');
  vi.runAllTimers();
  Object.defineProperty(document.documentElement, 'scrollHeight', { value: 4000, configurable: true });
  Object.defineProperty(window, 'innerHeight', { value: 1000, configurable: true });
  scrollTo(0);
  setVisibility('visible');
  core = fakeCore();
  browsing().setup(core);
  vi.runOnlyPendingTimers(); // the first depth measure, a task after the view starts
});
afterEach(() => {
  vi.useRealTimers();
});

describe('browsing', () => {
  it('reports engaged time and max scroll depth once, when the page is hidden', () => {
    interact(1_000);
    interact(11_000); // +10 s
    at(15_000);
    scrollTo(2_000); // 75 %, +4 s
    at(16_000);
    scrollTo(500); // back up: max stays
    interact(100_000); // +30 s (capped: idle after 16 s)
    at(110_000);
    setVisibility('hidden'); // +10 s
    setVisibility('visible');
    interact(120_000);
    setVisibility('hidden');
    window.dispatchEvent(new Event('pagehide'));
    expect(engaged()).toHaveLength(1);
    expect(engaged()[0]).toMatchObject({ properties: { engaged_ms: 10_000 + 4_000 + 1_000 + 30_000 + 10_000, scroll_depth: 75 } });
    expect(engaged()[0].context!.page!.path).toBe('/article');
  });

  it('reports nothing engaged for a page never interacted with', () => {
    at(60_000);
    setVisibility('hidden');
    expect(engaged()[0]).toMatchObject({ properties: { engaged_ms: 0, scroll_depth: 25 } });
  });

  it('closes the page view on an SPA route change, before the next one starts', () => {
    pages().setup(core);
    interact(1_000);
    at(5_000);
    history.pushState(null, '', '/article/2');
    vi.runAllTimers();
    interact(6_000);
    at(8_000);
    setVisibility('hidden');
    expect(engaged().map((e) => [e.context!.page!.path, (e as unknown as { properties: { engaged_ms: number } }).properties.engaged_ms])).toEqual([
      ['/article', 4_000],
      ['/article/2', 2_000],
    ]);
    // Page Engaged of the first view comes before the second view's page event
    expect(core.events.map((e) => (e.type == 'page' ? 'page ' : '') + e.context!.page!.path)).toEqual([
      'page /article',
      '/article',
      'page /article/2',
      '/article/2',
    ]);
  });

  it('starts a new page view after a back/forward cache restore', () => {
    setVisibility('hidden');
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    setVisibility('visible');
    interact(3_000);
    at(4_000);
    setVisibility('hidden');
    expect(engaged()).toHaveLength(2);
    expect(engaged()[1]).toMatchObject({ properties: { engaged_ms: 1_000 } });
  });
});
