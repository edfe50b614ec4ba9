import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/browser';
import { REPO_ROOT } from './support/recording-server';
import { useE2E } from './support/use-e2e';
import { flushPage, sdkReady, tracks, views, waitCount } from './fixtures/capture/events';

const env = useE2E();
const pathOf = (u?: string) => (u ? new URL(u).pathname + new URL(u).search + new URL(u).hash : '');

describe('SPA page views in Chromium', () => {
  it('one view on load and per real navigation: push, replace to a new URL, back; no phantoms', async () => {
    const page = await env.ctx.newPage();
    await page.goto(env.server.url('/fixtures/capture/spa.html'));
    await sdkReady(page);
    await page.click('#about'); // router pushState + title change
    await page.waitForURL(/view=about/);
    await page.evaluate(() => {
      history.replaceState({ scroll: 1 }, ''); // same URL: nothing
      history.replaceState(null, '', location.href); // same URL: nothing
      history.pushState(null, '', '?view=team');
      history.replaceState(null, '', '?view=team&tab=2'); // push + replace in one task: one view
    });
    await flushPage(page);
    await waitCount(env.server, 'three page views', (s) => views(s).length, 3);
    await page.evaluate(() => (location.hash = 'bio')); // fragment only: nothing (not a hash router)
    await page.waitForURL(/#bio/);
    await page.goBack(); // back to ?view=team&tab=2 (fragment gone): same view key, nothing
    await page.goBack(); // back to ?view=about
    await page.waitForURL(/view=about$/);
    await flushPage(page);
    await waitCount(env.server, 'page views', (s) => views(s).length, 4);
    await flushPage(page);
    // a later track event proves nothing else is pending
    await page.evaluate(() => (window as unknown as { portrait: { track(e: string): void } }).portrait.track('Done'));
    await flushPage(page);
    await waitCount(env.server, 'the Done event', (s) => tracks(s, 'Done').length, 1);

    const v = views(env.server).map((e) => [pathOf(e.context!.page!.url), pathOf(e.context!.page!.referrer), e.context!.page!.title]);
    expect(v).toEqual([
      ['/fixtures/capture/spa.html', '', 'SPA home'],
      ['/fixtures/capture/spa.html?view=about', '/fixtures/capture/spa.html', 'SPA about'],
      ['/fixtures/capture/spa.html?view=team&tab=2', '/fixtures/capture/spa.html?view=about', 'SPA about'],
      ['/fixtures/capture/spa.html?view=about', '/fixtures/capture/spa.html?view=team&tab=2', 'SPA about'],
    ]);
    expect(pathOf(tracks(env.server, 'Done')[0].context!.page!.referrer)).toBe('/fixtures/capture/spa.html?view=team&tab=2');
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('hash routers (data-hash) count fragment changes, each once, back button included', async () => {
    const page = await env.ctx.newPage();
    await page.goto(env.server.url('/fixtures/capture/spa.html?hashAttr=data-hash'));
    await sdkReady(page);
    await page.evaluate(() => (location.hash = '/cart'));
    await page.waitForURL(/#\/cart$/);
    await page.evaluate(() => (location.hash = '/checkout'));
    await page.waitForURL(/#\/checkout$/);
    await page.goBack();
    await page.waitForURL(/#\/cart$/);
    await flushPage(page);
    await waitCount(env.server, 'page views', (s) => views(s).length, 4);
    await page.evaluate(() => (window as unknown as { portrait: { track(e: string): void } }).portrait.track('Done'));
    await flushPage(page);
    await waitCount(env.server, 'the Done event', (s) => tracks(s, 'Done').length, 1);
    expect(views(env.server).map((e) => new URL(e.context!.page!.url!).hash)).toEqual(['', '#/cart', '#/checkout', '#/cart']);
  });

  it('a back/forward cache restore counts as a view', async () => {
    // Playwright turns the back/forward cache off by default: this test's own Chromium keeps it on.
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      ignoreDefaultArgs: ['--disable-back-forward-cache'],
    });
    try {
      const page = await browser.newPage();
      await page.addInitScript(() => {
        const w = window as unknown as { shows: boolean[] };
        w.shows = [];
        addEventListener('pageshow', (e) => w.shows.push(e.persisted));
      });
      // Fixtures are served with Cache-Control: no-store, which keeps a page out of the cache.
      const html = readFileSync(join(REPO_ROOT, 'test/e2e/fixtures/capture/spa.html'), 'utf8').replace(/\{\{[^}]*\}\}/g, (m) => (m == '{{host}}' ? env.server.origin : ''));
      env.server.handle('GET', '/v1/spa-page', () => ({ status: 200, body: html, headers: { 'Content-Type': 'text/html', 'Cache-Control': 'max-age=0' } }));
      await page.goto(env.server.url('/v1/spa-page'));
      await sdkReady(page);
      await flushPage(page);
      await waitCount(env.server, 'the first view', (s) => views(s).length, 1);
      await page.goto(env.server.url('/blank.html'));
      await page.goBack({ waitUntil: 'commit' }); // a restore fires pageshow, not load
      await page.waitForFunction(() => (window as unknown as { shows?: boolean[] }).shows?.length == 2, undefined, { timeout: 10_000 }).catch(() => undefined);
      const nav = await page.evaluate(() => JSON.stringify((performance.getEntriesByType('navigation')[0] as unknown as { notRestoredReasons: unknown }).notRestoredReasons));
      // The same document came back from the back/forward cache (no second load)...
      expect(await page.evaluate(() => (window as unknown as { shows: boolean[] }).shows), nav).toEqual([false, true]);
      await flushPage(page);
      await waitCount(env.server, 'page views', (s) => views(s).length, 2);
      // ...and the restore is one more view.
      expect(views(env.server)).toHaveLength(2);
    } finally {
      await browser.close();
    }
  });
});
