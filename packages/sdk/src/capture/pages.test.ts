import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeCore, type FakeCore } from './fake-core';
import { pages } from './pages';

let core: FakeCore;
const views = () =>
  core.events.filter((e) => e.type == 'page').map((e) => [e.context!.page!.path + (e.context!.page!.url!.split('#')[1] ? '#' + e.context!.page!.url!.split('#')[1] : ''), e.context!.page!.referrer]);
const settle = () => vi.runAllTimers();
/** Sets the fragment and waits for the browser's hashchange (happy-dom fires it a task later). */
const setHash = async (h: string) => {
  const fired = new Promise((r) => addEventListener('hashchange', r, { once: true }));
  location.hash = h;
  await fired;
  settle();
};

beforeEach(() => {
  vi.useFakeTimers();
  history.replaceState(null, '', '/start');
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pages', () => {
  it('sends a view on load and on each pushState, replaceState to a new URL, and back', () => {
    core = fakeCore();
    pages().setup(core);
    history.pushState(null, '', '/a');
    settle();
    history.replaceState(null, '', '/a'); // same URL: phantom
    settle();
    history.replaceState({ x: 1 }, '', '/a?tab=2');
    settle();
    history.pushState(null, '', '/b');
    history.replaceState(null, '', '/b'); // router push+replace in one task: one view
    settle();
    history.back();
    window.dispatchEvent(new PopStateEvent('popstate'));
    settle();
    const paths = views().map((v) => v[0]);
    expect(paths).toEqual(['/start', '/a', '/a', '/b', '/a']);
    expect(core.events.filter((e) => e.type == 'page')[2].context!.page!.search).toBe('?tab=2');
    // referrer of each SPA view is the previous URL
    expect(views()[2][1]).toMatch(/\/a$/);
    expect(views()[3][1]).toMatch(/\/a\?tab=2$/);
  });

  it('ignores fragment changes unless configured for a hash router', async () => {
    core = fakeCore();
    pages().setup(core);
    history.pushState(null, '', '/start#section');
    settle();
    await setHash('other');
    expect(views()).toHaveLength(1);
    history.replaceState(null, '', '/start');
    settle();

    core = fakeCore();
    pages({ hash: true }).setup(core);
    await setHash('/cart');
    history.replaceState(null, '', '#/cart'); // same URL: phantom
    settle();
    await setHash('/checkout');
    expect(views().map((v) => v[0])).toEqual(['/start', '/start#/cart', '/start#/checkout']);
  });

  it('counts a back/forward cache restore as a view and gives later events the SPA referrer', () => {
    core = fakeCore();
    pages().setup(core);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(views()).toHaveLength(2);
    history.pushState(null, '', '/next');
    settle();
    core.track('Clicked');
    expect(core.events.at(-1)!.context!.page!.referrer).toMatch(/\/start$/);
  });

  it('a replaceState that throws still throws to the caller and breaks nothing', () => {
    core = fakeCore();
    pages().setup(core);
    expect(() => history.replaceState(null, '', 'https://elsewhere.example/')).toThrow();
    history.pushState(null, '', '/ok');
    settle();
    expect(views().map((v) => v[0])).toEqual(['/start', '/ok']);
  });
});
