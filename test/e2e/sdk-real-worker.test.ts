import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser, type TestContext } from './support/browser';
import { startRecordingServer, type RecordingServer } from './support/recording-server';
import { flush, openSdkPage, trackMany, waitForDelivered } from './support/sdk-page';
import { startWorker, type WorkerServer } from './support/worker-server';

/**
 * The SDK against the real collector (`wrangler dev`, dev tenant `wk_demo`/`sk_demo`),
 * cross-origin as on a customer's site: the page comes from the recording server, the
 * events go to the Worker. What was stored is read back through the profile API.
 */

type W = Window & { portrait: any };

/** Every `messageId` string anywhere in a JSON document. */
function messageIdsIn(json: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const id = (v as { messageId?: unknown }).messageId;
    if (typeof id === 'string') out.push(id);
    Object.values(v).forEach(walk);
  };
  walk(json);
  return out;
}

describe('SDK against the real collector (wrangler dev)', () => {
  let worker: WorkerServer;
  let browser: TestBrowser;
  let server: RecordingServer;
  let ctx: TestContext;

  beforeAll(async () => {
    [worker, browser, server] = await Promise.all([startWorker(), launchBrowser(), startRecordingServer()]);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await worker?.stop();
  });
  beforeEach(async () => { ctx = await browser.newContext(); });
  afterEach(async () => { await ctx?.close(); server.reset(); });

  const profile = async (anonymousId: string) => {
    const res = await fetch(`${worker.origin}/v1/profiles/anonymous_id:${encodeURIComponent(anonymousId)}`, {
      headers: { Authorization: `Bearer ${worker.secretKey}` },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json() as Promise<unknown>;
  };

  const open = (page: Page) =>
    openSdkPage(page, server, { host: worker.origin, writeKey: worker.writeKey });

  it('offline with 20 events, then online: the collector stores all 20, each once, cross-origin without a preflight', async () => {
    const page = await ctx.newPage();
    const toWorker: string[] = [];
    ctx.context.on('request', (r) => {
      if (r.url().startsWith(worker.origin)) toWorker.push(`${r.method()} ${r.headers()['content-type'] ?? ''}`);
    });
    await open(page);
    await ctx.context.setOffline(true);
    await trackMany(page, 20, 'Real worker');
    await flush(page);
    await ctx.context.setOffline(false);
    const delivered = await waitForDelivered(page, 'Real worker', 20);
    await flush(page);

    expect(new Set(delivered).size).toBe(20);
    expect(server.requests).toHaveLength(0); // nothing went to the wrong host
    // A simple text/plain POST: no CORS preflight that could outlive an unloading page.
    expect(toWorker.length).toBeGreaterThan(0);
    expect(toWorker.every((r) => /^POST text\/plain/.test(r)), toWorker.join(', ')).toBe(true);
    const anonymousId = await page.evaluate(() => (window as unknown as W).portrait.user().anonymousId as string);
    const stored = messageIdsIn(await profile(anonymousId));
    for (const id of delivered) expect(stored.filter((x) => x === id), id).toHaveLength(1);
    expect(ctx.errors.pageErrors).toEqual([]);
  });

  it('stored but the answer lost twice: the SDK resends the same ids and the collector keeps one copy', async () => {
    const page = await ctx.newPage();
    let lost = 0;
    // The request reaches the collector; its answer never reaches the page (tab killed, network drop).
    await page.route(`${worker.origin}/v1/**`, async (route) => {
      if (route.request().method() !== 'POST' || lost >= 2) return route.continue();
      lost++;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await open(page);
    await trackMany(page, 5, 'Answer lost');
    await flush(page);
    const delivered = await waitForDelivered(page, 'Answer lost', 5);

    expect(lost).toBe(2);
    const anonymousId = await page.evaluate(() => (window as unknown as W).portrait.user().anonymousId as string);
    const stored = messageIdsIn(await profile(anonymousId));
    expect(new Set(delivered).size).toBe(5);
    for (const id of delivered) expect(stored.filter((x) => x === id), id).toHaveLength(1);
    expect(ctx.errors.pageErrors).toEqual([]);
  });

  it('consent required, granted, then withdrawn with erase: the collector erases the visitor', async () => {
    const page = await ctx.newPage();
    await openSdkPage(page, server, { fixture: 'script-tag', consent: 'required', host: worker.origin, writeKey: worker.writeKey });
    await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      p.consent.grant();
      p.track('Before erase', { n: 1 });
    });
    await flush(page);
    await waitForDelivered(page, 'Before erase', 1);
    const anonymousId = await page.evaluate(() => (window as unknown as W).portrait.user().anonymousId as string);
    expect(messageIdsIn(await profile(anonymousId)).length).toBeGreaterThan(0);

    const answer = page.waitForResponse((r) => r.url() === `${worker.origin}/v1/erase` && r.request().method() === 'POST');
    await page.evaluate(() => (window as unknown as W).portrait.consent.withdraw({ erase: true }));
    expect((await answer).status()).toBe(202);
    const res = await fetch(`${worker.origin}/v1/profiles/anonymous_id:${encodeURIComponent(anonymousId)}`, {
      headers: { Authorization: `Bearer ${worker.secretKey}` },
    });
    expect(res.status).toBe(404);
    expect(ctx.errors.pageErrors).toEqual([]);
  });
});
