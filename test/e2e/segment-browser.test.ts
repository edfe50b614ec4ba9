/**
 * Segment's browser library, @segment/analytics-next 1.84 (its UMD build from
 * node_modules), in real Chromium, with apiHost pointed at the real collector
 * (wrangler dev): page, identify, track and group from a page on another origin arrive,
 * and the anonymous browsing merges into the identified profile.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser';
import { REPO_ROOT } from './support/recording-server';
import { startWorker, type WorkerServer } from './support/worker-server';

const UMD = join(REPO_ROOT, 'node_modules', '@segment', 'analytics-next', 'dist', 'umd');

let worker: WorkerServer;
let browser: TestBrowser;
let site: Server;
let siteOrigin: string;

beforeAll(async () => {
  worker = await startWorker();
  browser = await launchBrowser();
  // The "customer's site": a plain page plus Segment's own UMD files, on its own origin.
  site = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><head><title>Shop</title><script src="/umd/index.js"></script></head><body><h1>Shop</h1></body></html>');
      return;
    }
    const file = path.startsWith('/umd/') ? path.slice(5) : '';
    if (!/^[\w.-]+\.js$/.test(file)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(UMD, file));
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  siteOrigin = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (site ? site.close(r) : r(undefined)));
  await worker?.stop();
});

async function profile(ref: string) {
  const res = await fetch(`${worker.origin}/v1/profiles/${encodeURIComponent(ref)}?limit=500`, { headers: { authorization: `Bearer ${worker.secretKey}` } });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as { profile: { eventCount: number; profileId: string; mergeLog: Array<{ outcome: string; eventsMoved: number }> }; events: Array<{ type: string; event?: string; context: Record<string, unknown> }> }) : null };
}

describe('@segment/analytics-next in Chromium against the collector', () => {
  it('delivers page, track, identify and group; anonymous history joins the user', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const collected: string[] = [];
      page.on('request', (r) => {
        if (r.url().startsWith(worker.origin)) collected.push(new URL(r.url()).pathname);
      });
      await page.goto(`${siteOrigin}/`);
      const userId = `next-user-${Date.now().toString(36)}`;
      const anonymousId = await page.evaluate(
        async ({ apiHost, writeKey, userId }) => {
          const w = window as unknown as { AnalyticsNext: { AnalyticsBrowser: { load: (s: unknown, o?: unknown) => Promise<[any, unknown]> } } };
          const [analytics] = await w.AnalyticsNext.AnalyticsBrowser.load(
            { writeKey, cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: 'http' } } } },
            { integrations: { 'Segment.io': { apiHost, protocol: 'http' } } },
          );
          await analytics.page('Home');
          await analytics.track('Product Viewed', { product_id: 'sku-1', price: 12 });
          const anon = analytics.user().anonymousId();
          await analytics.identify(userId, { email: `${userId}@example.com` });
          await analytics.track('Order Completed', { order_id: 'o-1', revenue: 12 });
          await analytics.group('acme', { name: 'Acme' });
          return anon as string;
        },
        { apiHost: `${worker.origin.replace('http://', '')}/v1`, writeKey: worker.writeKey, userId },
      );
      expect(anonymousId).toBeTruthy();
      expect(collected.sort()).toEqual(['/v1/g', '/v1/i', '/v1/p', '/v1/t', '/v1/t']);
      const p = await profile(`user_id:${userId}`);
      expect(p.status).toBe(200);
      expect(p.body!.profile.eventCount).toBe(5);
      expect(p.body!.events.map((e) => e.type).sort()).toEqual(['group', 'identify', 'page', 'track', 'track']);
      expect(p.body!.profile.mergeLog).toEqual([expect.objectContaining({ outcome: 'merged', eventsMoved: 2 })]);
      expect((await profile(`anonymous_id:${anonymousId}`)).body!.profile.profileId).toBe(p.body!.profile.profileId);
      // Enriched from the request, not the payload: browser and OS parsed from the real UA.
      const ctxOf = p.body!.events[0].context as { browser?: { name: string }; userAgent?: string };
      expect(ctxOf.browser?.name).toBe('Chrome');
      expect(ctxOf.userAgent).toBeUndefined();
      expect(ctx.errors.pageErrors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
