import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser, type TestContext } from './support/browser';
import { REPO_ROOT, startRecordingServer, type RecordingServer } from './support/recording-server';
import { startWorker, type WorkerServer } from './support/worker-server';

/**
 * personalize.js end to end against the real collector (`wrangler dev`, demo tenant),
 * cross-origin as on a customer's site: a marketer saves a campaign with the secret key,
 * the visitor's own trait holds markup, the page (from the recording server) renders the
 * decision as text, the viewable impression flows back through the SDK and ingest into
 * the campaign report.
 */

type W = Window & { portrait: { identify(id: string | null, traits: object): void; track(event: string, props?: object): void; flush(): Promise<void>; user(): { anonymousId: string } } };

describe('personalize.js against the real collector (wrangler dev)', () => {
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

  const marketer = (path: string, method = 'GET', body?: unknown) =>
    fetch(`${worker.origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${worker.secretKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  // A generous decision timeout: wrangler dev on a busy 2-core box is not the latency under test here.
  const pageUrl = () => server.url(`/fixtures/personalize/page.html?${new URLSearchParams({ host: worker.origin, writeKey: worker.writeKey, nonce: 'n0nce', timeout: '5000' })}`);

  async function heroText(page: Page): Promise<string | null> {
    return page.evaluate(() => document.getElementById('hero')!.shadowRoot?.querySelector('strong')?.textContent ?? null);
  }

  it('a hostile template is refused at save; a markup trait is rendered as text; the impression reaches the report', async () => {
    const hostile = await marketer('/v1/campaigns', 'POST', {
      name: 'Hostile', slot: 'hero', status: 'active', goal: { event: 'Order Completed' },
      variants: [{ content: { headline: '<img src=x onerror=alert(1)>', cta: { label: 'Go', url: 'javascript:alert(1)' } } }],
    });
    expect(hostile.status).toBe(400);

    const created = await marketer('/v1/campaigns', 'POST', {
      name: 'Welcome', slot: 'hero', status: 'active', holdout: 0, goal: { event: 'Order Completed', windowHours: 24 },
      variants: [{ id: 'welcome', content: { headline: 'Hi {{traits.firstName | default: "there"}}', cta: { label: 'See offers', url: '#offers' } } }],
    });
    expect(created.status).toBe(201);
    const campaign = (await created.json()) as { id: string };

    const page = await ctx.newPage();
    await page.addInitScript(() => {
      (window as unknown as { __alerts: number }).__alerts = 0;
      window.alert = () => { (window as unknown as { __alerts: number }).__alerts++; };
    });
    // First visit: nobody known yet, the default placeholder text shows; the visitor then names themselves.
    await page.goto(pageUrl());
    await page.waitForFunction(() => !!document.getElementById('hero')!.shadowRoot?.querySelector('strong'));
    expect(await heroText(page)).toBe('Hi there');
    await page.evaluate(async () => {
      const p = (window as unknown as W).portrait;
      p.identify(null, { firstName: '<img src=x onerror=alert(1)>' });
      await p.flush();
    });
    const anonymousId = await page.evaluate(() => (window as unknown as W).portrait.user().anonymousId);
    // Wait until the collector's portrait holds the trait (ingest answered; the object applied it).
    await expect.poll(async () => {
      const res = await marketer(`/v1/profiles/anonymous_id:${encodeURIComponent(anonymousId)}`);
      return res.status === 200 ? JSON.stringify(await res.json()).includes('onerror=alert(1)') : false;
    }, { timeout: 20_000 }).toBe(true);

    await page.reload();
    await page.waitForFunction(() => document.getElementById('hero')!.shadowRoot?.querySelector('strong')?.textContent !== 'Hi there'
      && !!document.getElementById('hero')!.shadowRoot?.querySelector('strong'));
    expect(await heroText(page)).toBe('Hi <img src=x onerror=alert(1)>');
    expect(await page.evaluate(() => document.querySelectorAll('img').length + document.getElementById('hero')!.shadowRoot!.querySelectorAll('img').length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __alerts: number }).__alerts)).toBe(0);

    // Seen for a second on two page views by one visitor: one visitor exposed in the report.
    await expect.poll(async () => {
      const r = (await (await marketer(`/v1/campaigns/${campaign.id}/report`)).json()) as { arms: Array<{ arm: string; impressions: number }> };
      return r.arms.find((a) => a.arm === 'welcome')!.impressions;
    }, { timeout: 20_000 }).toBe(1);
    expect(ctx.errors.pageErrors).toEqual([]);
  });

  it('the demo hero changes with the visitor: a cart turns the welcome into the cart reminder (seed-campaigns.mjs)', async () => {
    await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'worker/scripts/seed-campaigns.mjs'), '--host', worker.origin, '--secret-key', worker.secretKey]);
    const { data: items } = (await (await marketer('/v1/campaigns')).json()) as { data: Array<{ id: string; name: string }> };
    const reminder = items.find((c) => c.name === 'Cart reminder')!;
    // No holdout for this check, so the visitor surely sees a banner.
    expect((await marketer(`/v1/campaigns/${reminder.id}`, 'PATCH', { holdout: 0 })).status).toBe(200);

    const page = await ctx.newPage();
    await page.goto(pageUrl());
    await page.waitForFunction(() => !!document.getElementById('hero')!.shadowRoot?.querySelector('strong'));
    const before = await heroText(page);
    expect(before).not.toMatch(/cart/i);

    await page.evaluate(async () => {
      const p = (window as unknown as W).portrait;
      p.track('Product Added', { product_id: 'mug', name: 'Portrait Mug', price: 12.5, quantity: 1 });
      await p.flush();
    });
    const anonymousId = await page.evaluate(() => (window as unknown as W).portrait.user().anonymousId);
    await expect.poll(async () => {
      const res = await marketer(`/v1/profiles/anonymous_id:${encodeURIComponent(anonymousId)}`);
      return res.status === 200 ? JSON.stringify(await res.json()).includes('Portrait Mug') : false;
    }, { timeout: 20_000 }).toBe(true);

    await page.reload();
    await page.waitForFunction((b) => {
      const text = document.getElementById('hero')!.shadowRoot?.querySelector('strong')?.textContent;
      return !!text && text !== b;
    }, before);
    expect(['Still thinking about your Portrait Mug?', 'Hi, your cart is saved']).toContain(await heroText(page));
    expect(ctx.errors.pageErrors).toEqual([]);
  });
});
