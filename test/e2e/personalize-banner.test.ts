import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { rollup } from 'rollup';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecideResponse } from '../../packages/personalize/src/decision-types';
import { REPO_ROOT, type RecordedRequest } from './support/recording-server';
import { installNetLog, netCalls } from './support/sdk-page';
import { useE2E } from './support/use-e2e';

/**
 * personalize.js in real Chromium against the recording server, which plays the
 * collector: `/v1/decide` is answered by each test, ingest records the Promotion events.
 * Scenarios 31 (markup in a trait shows as text) and 32 (strict CSP + Trusted Types:
 * zero violations), consent gating, the timeout fallback, impressions only when visible.
 */

const env = useE2E();
const DIST = join(REPO_ROOT, 'packages/personalize/dist/personalize.js');
const CSP = "script-src 'self' 'nonce-n0nce'; require-trusted-types-for 'script'; object-src 'none'; base-uri 'none'";

/** Build dist/personalize.js when it is missing or older than its sources (the root build may not include it yet). */
async function ensureBuilt(): Promise<void> {
  const src = join(REPO_ROOT, 'packages/personalize/src');
  const newest = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs));
  let built = 0;
  try {
    built = statSync(DIST).mtimeMs;
  } catch { /* not built yet */ }
  if (built > newest) return;
  const { default: configs } = await import(pathToFileURL(join(REPO_ROOT, 'packages/personalize/rollup.config.mjs')).href);
  const iife = configs.find((c: { output: { format: string } }) => [c.output].flat()[0].format === 'iife');
  const bundle = await rollup({ input: iife.input, plugins: iife.plugins, onwarn: () => {} });
  for (const out of [iife.output].flat()) await bundle.write(out);
  await bundle.close();
}

beforeAll(ensureBuilt, 60_000);

const hostile: DecideResponse = {
  slots: {
    hero: {
      campaign: 'cart-reminder', variant: 'v2', holdout: false,
      content: {
        headline: 'Hi <img src=x onerror=alert(1)>',
        body: "{{constructor.constructor('alert(1)')()}}",
        cta: { label: 'Back to cart', url: '/cart' },
        image: { url: 'javascript:alert(1)', alt: '<script>alert(1)</script>' },
        theme: { background: '#fff7e6', accent: 'red;x:url(javascript:alert(1))' },
      },
    },
    footer: null,
  },
};

/** Page instrumentation: securitypolicyviolation events, alert() calls, fetch log. */
async function instrument(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[]; __alerts: number };
    w.__violations = [];
    w.__alerts = 0;
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
    window.alert = () => { w.__alerts++; };
  });
  await installNetLog(page);
}

function pageUrl(query: Record<string, string> = {}): string {
  return env.server.url(`/fixtures/personalize/page.html?${new URLSearchParams({ nonce: 'n0nce', ...query })}`);
}

function decideRequests(): RecordedRequest[] {
  return env.server.requests.filter((r) => r.path === '/v1/decide' && r.method === 'POST');
}

interface TrackLike { type: string; event?: string; properties?: Record<string, unknown> }

function tracks(): TrackLike[] {
  return env.server.acceptedEvents() as unknown as TrackLike[];
}

function promotionEvents(name: string, position?: string): TrackLike[] {
  return tracks().filter((e) => e.type === 'track' && e.event === name && (!position || e.properties?.position === position));
}

async function heroText(page: Page): Promise<string | null> {
  return page.evaluate(() => document.getElementById('hero')!.shadowRoot?.querySelector('strong')?.textContent ?? null);
}

describe('personalize.js in Chromium', () => {
  it('shows a markup trait and a template-looking trait as text, runs nothing (scenario 31)', async () => {
    env.server.handle('POST', '/v1/decide', () => ({ status: 200, body: hostile }));
    const page = await env.ctx.newPage();
    await instrument(page);
    await page.goto(pageUrl());
    await page.waitForFunction(() => !!document.getElementById('hero')!.shadowRoot?.querySelector('strong'));
    expect(await heroText(page)).toBe('Hi <img src=x onerror=alert(1)>');
    const shown = await page.evaluate(() => {
      const root = document.getElementById('hero')!.shadowRoot!;
      return {
        body: root.querySelector('p')!.textContent,
        imgs: root.querySelectorAll('img').length + document.querySelectorAll('img').length,
        scripts: root.querySelectorAll('script').length,
        href: root.querySelector('a')!.getAttribute('href'),
        alerts: (window as unknown as { __alerts: number }).__alerts,
      };
    });
    expect(shown).toEqual({ body: "{{constructor.constructor('alert(1)')()}}", imgs: 0, scripts: 0, href: '/cart', alerts: 0 });
    const [req] = decideRequests();
    expect(req.headers['content-type']).toMatch(/^text\/plain/);
    expect(req.body).toMatchObject({ writeKey: 'wk_test', slots: ['hero', 'footer'], page: { path: '/fixtures/personalize/page.html' } });
    expect(typeof (req.body as { anonymousId: unknown }).anonymousId).toBe('string');
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('renders under script-src nonce + require-trusted-types-for with zero violations (scenario 32)', async () => {
    env.server.handle('POST', '/v1/decide', () => ({ status: 200, body: hostile }));
    await env.ctx.context.route(/\/fixtures\/personalize\/page\.html/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
    });
    const page = await env.ctx.newPage();
    await instrument(page);
    await page.goto(pageUrl());
    await page.waitForFunction(() => !!document.getElementById('hero')!.shadowRoot?.querySelector('strong'));
    // The banner script caused no violation...
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    // ...while the policy is really in force: a plain string into innerHTML is refused and reported.
    const probe = await page.evaluate(() => new Promise<string>((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
      try {
        document.body.insertAdjacentElement('beforeend', document.createElement('div'))!.innerHTML = '<b>x</b>';
      } catch { /* TypeError: This document requires 'TrustedHTML' assignment */ }
    }));
    expect(probe).toBe('require-trusted-types-for');
    expect(await heroText(page)).toBe('Hi <img src=x onerror=alert(1)>');
    expect(await page.evaluate(() => document.getElementById('hero')!.shadowRoot!.querySelector('img'))).toBeNull();
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('without the personalization category sends no decide request and keeps the default content', async () => {
    env.server.handle('POST', '/v1/decide', () => ({ status: 200, body: hostile }));
    const page = await env.ctx.newPage();
    await instrument(page);
    await page.goto(pageUrl({ consent: 'required', grant: 'analytics' }));
    // Analytics was granted, so a tracked marker arrives: by then the banner script had its chance to ask.
    await page.evaluate(() => (window as unknown as { portrait: { track(n: string): void } }).portrait.track('Marker'));
    await env.server.waitFor(() => tracks().some((e) => e.event === 'Marker'));
    expect(decideRequests()).toEqual([]);
    expect(await page.evaluate(() => document.getElementById('hero')!.shadowRoot)).toBeNull();
    expect(await page.evaluate(() => document.getElementById('hero')!.textContent)).toBe('Default hero');
  });

  it('with no consent at all makes no request of any kind', async () => {
    env.server.handle('POST', '/v1/decide', () => ({ status: 200, body: hostile }));
    const page = await env.ctx.newPage();
    await instrument(page);
    await page.goto(pageUrl({ consent: 'required' }));
    await page.waitForFunction(() => document.readyState === 'complete');
    expect(await netCalls(page)).toEqual([]);
    expect(env.server.requests).toEqual([]);
  });

  it('keeps the default content when the decision comes after the timeout, and reports nothing', async () => {
    let answered!: () => void;
    const late = new Promise<void>((r) => (answered = r));
    env.server.handle('POST', '/v1/decide', async () => {
      await new Promise((r) => setTimeout(r, 1200));
      answered();
      return { status: 200, body: hostile };
    });
    const page = await env.ctx.newPage();
    await instrument(page);
    const started = Date.now();
    await page.goto(pageUrl({ timeout: '300' }));
    // The page gives up: its decide fetch is aborted (rejected) at the timeout, well before the answer.
    await page.waitForFunction(() => ((window as unknown as { __net: Array<{ url: string; refused?: boolean }> }).__net || []).some((c) => c.url.endsWith('/v1/decide') && c.refused));
    expect(Date.now() - started).toBeLessThan(1200);
    await late;
    expect(await heroText(page)).toBeNull();
    expect(await page.evaluate(() => document.getElementById('hero')!.textContent)).toBe('Default hero');
    await page.evaluate(() => (window as unknown as { portrait: { track(n: string): void } }).portrait.track('Marker'));
    await env.server.waitFor(() => tracks().some((e) => e.event === 'Marker'));
    expect(promotionEvents('Promotion Viewed')).toEqual([]);
  });

  it('counts an impression only for a banner seen for a second, and a click on its link', async () => {
    const both: DecideResponse = {
      slots: {
        hero: { campaign: 'spring', variant: 'a', holdout: false, content: { headline: 'Spring sale', cta: { label: 'Shop', url: '#shop' } } },
        footer: { campaign: 'newsletter', variant: null, holdout: true },
      },
    };
    env.server.handle('POST', '/v1/decide', () => ({ status: 200, body: both }));
    const page = await env.ctx.newPage();
    await page.setViewportSize({ width: 800, height: 600 });
    await instrument(page);
    await page.goto(pageUrl({ spacer: '3000' }));
    await page.waitForFunction(() => !!document.getElementById('hero')!.shadowRoot?.querySelector('strong'));
    // The slot kept its reserved height.
    expect(await page.evaluate(() => document.getElementById('hero')!.getBoundingClientRect().height)).toBe(160);
    await env.server.waitFor(() => promotionEvents('Promotion Viewed', 'hero').length === 1);
    expect(promotionEvents('Promotion Viewed', 'hero')[0].properties).toMatchObject({ campaign_id: 'spring', variant_id: 'a', holdout: false });
    expect(promotionEvents('Promotion Viewed', 'footer')).toEqual([]);

    // The footer (holdout: default content) counts only once scrolled into view for a second.
    const scrolledAt = Date.now();
    await page.evaluate(() => document.getElementById('footer')!.scrollIntoView());
    await env.server.waitFor(() => promotionEvents('Promotion Viewed', 'footer').length === 1);
    expect(Date.now() - scrolledAt).toBeGreaterThanOrEqual(1000);
    expect(promotionEvents('Promotion Viewed', 'footer')[0].properties).toMatchObject({ campaign_id: 'newsletter', variant_id: null, holdout: true, creative: 'holdout' });

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#hero a[part=cta]').click();
    await env.server.waitFor(() => promotionEvents('Promotion Clicked').length === 1);
    expect(promotionEvents('Promotion Clicked')[0].properties).toMatchObject({ campaign_id: 'spring', variant_id: 'a', position: 'hero' });
    expect(promotionEvents('Promotion Viewed', 'hero')).toHaveLength(1);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });
});
