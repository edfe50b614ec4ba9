import { describe, expect, it } from 'vitest';
import { useE2E } from './support/use-e2e';
import { flushPage, sdkReady, tracks, views, waitCount, waitTracks } from './fixtures/capture/events';

const env = useE2E();
type Engaged = { engaged_ms: number; scroll_depth: number };
const engaged = () => tracks(env.server, 'Page Engaged');

describe('engagement in Chromium', () => {
  it('reports engaged time and the deepest scroll once, when the visitor leaves the page', async () => {
    const page = await env.ctx.newPage();
    await page.setViewportSize({ width: 800, height: 1000 });
    await page.clock.install();
    await page.goto(env.server.url('/fixtures/capture/article.html'));
    await sdkReady(page);
    await page.clock.runFor(60_000); // a minute without interaction: not engaged
    await page.mouse.move(100, 100); // engaged from here
    await page.clock.runFor(10_000);
    await page.mouse.wheel(0, 2_000); // scroll 2,000 px down a ~5,200 px page
    await page.waitForFunction(() => scrollY >= 2_000);
    await scrollEventsDispatched(page);
    const deepest = await page.evaluate(() => Math.round(((scrollY + innerHeight) / document.documentElement.scrollHeight) * 100));
    await page.clock.runFor(5_000);
    await page.mouse.wheel(0, -1_500); // back up: the deepest point stays
    await page.waitForFunction(() => scrollY <= 500);
    await page.clock.runFor(100_000); // idle: only 30 s of this counts
    await page.goto(env.server.url('/blank.html')); // leave: pagehide
    await waitTracks(env.server, 'Page Engaged');

    const p = engaged()[0].properties as Engaged;
    expect(p.engaged_ms).toBeGreaterThanOrEqual(45_000);
    expect(p.engaged_ms).toBeLessThan(46_000); // 10 s + 5 s + 30 s (+ real ms between steps)
    expect(deepest).toBeGreaterThan(50);
    expect(p.scroll_depth).toBe(deepest);
    expect(new URL(engaged()[0].context!.page!.url!).pathname).toBe('/fixtures/capture/article.html');
    expect(engaged()).toHaveLength(1);
  });

  it('closes each SPA view on route change and the last one when the tab is hidden; scroll to the end is 100', async () => {
    const page = await env.ctx.newPage();
    await page.goto(env.server.url('/fixtures/capture/article.html'));
    await sdkReady(page);
    await page.mouse.move(10, 10);
    await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForFunction(() => scrollY + innerHeight >= document.documentElement.scrollHeight - 1);
    await scrollEventsDispatched(page);
    await page.evaluate(() => history.pushState(null, '', '?part=2'));
    await flushPage(page);
    await waitCount(env.server, 'two page views', (s) => views(s).length, 2);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await flushPage(page);
    await waitTracks(env.server, 'Page Engaged', 2);
    const e = engaged();
    expect(e.map((x) => new URL(x.context!.page!.url!).search)).toEqual(['', '?part=2']);
    expect((e[0].properties as Engaged).scroll_depth).toBe(100);
    // Page Engaged of view 1 was captured before view 2's page event
    const order = env.server
      .acceptedEvents()
      .filter((x) => x.type == 'page' || (x.type == 'track' && x.event == 'Page Engaged'))
      .sort((a, b) => Date.parse(a.timestamp!) - Date.parse(b.timestamp!))
      .map((x) => (x.type == 'page' ? 'page' : 'engaged') + new URL(x.context!.page!.url!).search);
    expect(order).toEqual(['page', 'engaged', 'page?part=2', 'engaged?part=2']);
    expect(views(env.server)).toHaveLength(2);
  });
});

/**
 * `scrollY` changes before the page's `scroll` event is dispatched: the browser fires it
 * in the next rendering update, before that frame's requestAnimationFrame callbacks. Two
 * frames later the SDK has seen every scroll so far.
 */
async function scrollEventsDispatched(page: import('playwright-core').Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
}
