import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/recording-server';
import { useE2E } from './support/use-e2e';
import { sdkReady, tracks, waitTracks } from './fixtures/capture/events';

const env = useE2E();
const chunkRequested = (page: import('playwright-core').Page) =>
  page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('portrait-vitals.js')));

describe('web vitals in Chromium', () => {
  it('a page with data-vitals reports LCP, INP, CLS, FCP and TTFB once each, with ratings', async () => {
    const page = await env.ctx.newPage();
    await page.goto(env.server.url('/fixtures/capture/article.html?vitalsAttr=data-vitals'));
    await sdkReady(page);
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.includes('portrait-vitals.js')));
    await page.click('#like'); // an interaction: INP, and LCP is final
    // The browser times an interaction after its next paint; leaving sooner leaves nothing to measure.
    await page.waitForFunction(() => performance.getEntriesByType('first-input').length > 0);
    await page.mouse.wheel(0, 300);
    await page.goto(env.server.url('/blank.html')); // hidden: CLS and INP are final
    // What the unload could not deliver waits in the queue for the next page of the site.
    await page.goto(env.server.url('/fixtures/capture/spa.html'));
    await waitTracks(env.server, 'Web Vital', 5).catch((e: Error) => {
      const got = tracks(env.server, 'Web Vital').map((v) => v.properties!.metric);
      throw new Error(`${e.message}; Web Vitals stored: ${got.join(', ') || 'none'}`);
    });

    const metrics = tracks(env.server, 'Web Vital').map((e) => e.properties!);
    expect(metrics).toHaveLength(5);
    expect(metrics.map((m) => m.metric).sort()).toEqual(['CLS', 'FCP', 'INP', 'LCP', 'TTFB']);
    for (const m of metrics) {
      expect(['good', 'needs-improvement', 'poor']).toContain(m.rating);
      expect(typeof m.value).toBe('number');
      expect(m.value as number).toBeGreaterThanOrEqual(0);
      expect(m).toMatchObject({ id: expect.any(String), navigation_type: expect.any(String) });
    }
    expect(metrics.find((m) => m.metric == 'LCP')!.value as number).toBeGreaterThan(0);
    expect(new URL(tracks(env.server, 'Web Vital')[0].context!.page!.url!).pathname).toBe('/fixtures/capture/article.html');
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('web-vitals is never in portrait.js, only in the separate chunk', () => {
    const core = readFileSync(join(REPO_ROOT, 'packages/sdk/dist/portrait.js'), 'utf8');
    const chunk = readFileSync(join(REPO_ROOT, 'packages/sdk/dist/portrait-vitals.js'), 'utf8');
    for (const marker of ['largest-contentful-paint', 'layout-shift', 'first-input']) {
      expect(chunk).toContain(marker);
      expect(core).not.toContain(marker);
    }
  });

  it('without data-vitals the chunk is never fetched; with required consent not before the grant', async () => {
    const page = await env.ctx.newPage();
    await page.goto(env.server.url('/fixtures/capture/article.html'));
    await sdkReady(page);
    await page.click('#like');
    expect(await chunkRequested(page)).toBe(false);
    expect(await page.evaluate(() => typeof (window as unknown as { portrait: { ecommerce?: unknown } }).portrait.ecommerce)).toBe('object');

    await page.goto(env.server.url('/fixtures/capture/article.html?vitalsAttr=data-vitals%20data-consent%3Drequired'));
    await sdkReady(page);
    await page.click('#like');
    expect(await chunkRequested(page)).toBe(false);
    await page.evaluate(() => (window as unknown as { portrait: { consent: { grant(): void } } }).portrait.consent.grant());
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.includes('portrait-vitals.js')));
  });
});
