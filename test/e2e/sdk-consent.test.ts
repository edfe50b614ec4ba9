import { describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { storageFootprint } from './support/browser';
import { flush, idbMessageIds, openSdkPage, sdkReports, waitForIdbEvents } from './support/sdk-page';
import { named } from './support/recording-server';
import { useE2E } from './support/use-e2e';

/**
 * Consent-first, in real Chromium (issue 2, scenarios 24-27): with consent required
 * and not given, no request leaves the page and the SDK writes no cookie,
 * localStorage key or IndexedDB database; held events go out on grant and are
 * dropped on deny; withdraw purges everything.
 */

type W = Window & { portrait: any };

const NOTHING = { cookies: [], localStorage: [], sessionStorage: [], indexedDB: [] };

/** Every request the context makes, other than loading the fixture page and the SDK script. */
function recordOtherRequests(page: Page): string[] {
  const out: string[] = [];
  page.context().on('request', (r: Request) => {
    const u = new URL(r.url());
    if (r.resourceType() === 'document' || u.pathname === '/portrait.js' || u.pathname === '/favicon.ico') return;
    out.push(`${r.method()} ${r.url()}`);
  });
  return out;
}

async function footprint(page: Page) {
  const { cookies, localStorage, sessionStorage, indexedDB } = await storageFootprint(page);
  return { cookies, localStorage, sessionStorage, indexedDB };
}

describe('SDK consent (real Chromium, script tag with data-consent="required")', () => {
  const env = useE2E();

  it('sends nothing and stores nothing before a grant, then sends the held events once', async () => {
    const page = await env.ctx.newPage();
    const others = recordOtherRequests(page);
    await page.clock.install();
    await openSdkPage(page, env.server, { fixture: 'script-tag', consent: 'required' });

    await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      p.page();
      for (let i = 1; i <= 5; i++) p.track(`Pre ${i}`, { i });
      p.identify('user-1', { plan: 'pro' });
    });
    await flush(page);
    // A minute of the SDK's own timers (batch interval, retries) passes: still nothing.
    await page.clock.runFor(60_000);
    await flush(page);

    expect(others).toEqual([]);
    expect(env.server.requests).toHaveLength(0);
    expect(await footprint(page)).toEqual(NOTHING);
    expect(await page.evaluate(() => (window as unknown as W).portrait.consent.get().status)).toBe('pending');

    await page.evaluate(() => (window as unknown as W).portrait.consent.grant());
    await flush(page);
    await env.server.waitForUnique(5, { filter: named('Pre 1', 'Pre 2', 'Pre 3', 'Pre 4', 'Pre 5') });
    await env.server.waitFor((s) => s.acceptedEvents().some((e) => e.type === 'identify'));

    // The held calls, plus the automatic page view captured at load (held too).
    const names = env.server.acceptedEvents().map((e) => (e.type === 'track' ? e.event : e.type));
    expect(names.filter((n) => n !== 'page').sort()).toEqual(['Pre 1', 'Pre 2', 'Pre 3', 'Pre 4', 'Pre 5', 'identify']);
    expect(names.filter((n) => n === 'page').length).toBeGreaterThanOrEqual(1);
    expect(env.server.duplicateIds()).toEqual([]);
    const consent = env.server.acceptedEvents()[0].context?.consent;
    expect(consent?.categories?.analytics).toBe(true);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('deny drops the held events: nothing sent, no queue written, and a later grant does not revive them', async () => {
    const page = await env.ctx.newPage();
    const others = recordOtherRequests(page);
    await page.clock.install();
    await openSdkPage(page, env.server, { fixture: 'script-tag', consent: 'required' });

    await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      for (let i = 1; i <= 5; i++) p.track(`Held ${i}`);
      p.consent.deny();
      p.track('After deny');
    });
    await flush(page);
    await page.clock.runFor(60_000);

    expect(others).toEqual([]);
    expect(env.server.requests).toHaveLength(0);
    expect((await storageFootprint(page)).indexedDB).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as W).portrait.consent.get().status)).toBe('denied');

    // The visitor changes their mind: only what happens after the grant is sent.
    const grantedAt = await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      const t = Date.now();
      p.consent.grant();
      p.track('After grant');
      return t;
    });
    await flush(page);
    await env.server.waitForUnique(1, { filter: named('After grant') });
    // Only events captured after the grant: the held ones (and the page view held at load) are gone.
    const early = env.server.acceptedEvents().filter((e) => Date.parse(e.timestamp!) < grantedAt);
    expect(early.map((e) => (e.type === 'track' ? e.event : e.type))).toEqual([]);
    const held = env.server.sentEvents(named('Held 1', 'Held 2', 'Held 3', 'Held 4', 'Held 5', 'After deny'));
    expect(held).toEqual([]);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('withdraw stops sending at once, purges the queue and identifiers, and later calls do nothing', async () => {
    const page = await env.ctx.newPage();
    await openSdkPage(page, env.server, { fixture: 'script-tag', consent: 'required' });
    await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      p.consent.grant();
      p.identify('user-9', { email: 'nine@example.com' });
    });
    await env.server.waitForUnique(1);
    const anonymousId = env.server.acceptedEvents()[0].anonymousId;
    expect(anonymousId).toBeTruthy();

    // 30 events queued while offline, then consent is withdrawn.
    await env.ctx.context.setOffline(true);
    await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      for (let i = 0; i < 30; i++) p.track('Queued', { i });
    });
    await waitForIdbEvents(page, 30);
    await page.evaluate(() => (window as unknown as W).portrait.consent.withdraw());
    await page.evaluate(() => (window as unknown as W).portrait.track('After withdraw'));
    const before = env.server.requests.length;

    await env.ctx.context.setOffline(false);
    await flush(page);
    // A fresh page of the same site sees nothing left to send and no identity.
    const again = await env.ctx.newPage();
    await openSdkPage(again, env.server, { fixture: 'script-tag', consent: 'required' });
    await flush(again);

    expect(env.server.requests.length).toBe(before);
    expect(await idbMessageIds(page)).toEqual([]);
    const left = await footprint(page);
    expect(left.cookies).toEqual([]);
    expect(left.localStorage.filter((k) => !/consent/i.test(k))).toEqual([]);
    expect(left.sessionStorage).toEqual([]);
    const text = JSON.stringify(await page.evaluate(() => ({ ...localStorage })));
    expect(text).not.toContain(anonymousId!);
    expect(text).not.toContain('user-9');
    expect(await page.evaluate(() => (window as unknown as W).portrait.consent.get().status)).toBe('denied');
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('withdraw({ erase: true }) asks the collector to erase this visitor, then sends nothing more', async () => {
    const page = await env.ctx.newPage();
    env.server.handle('POST', '/v1/erase', () => ({ status: 202, body: { success: true, jobId: 'job-1' } }));
    await openSdkPage(page, env.server, { fixture: 'script-tag', consent: 'required' });
    await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      p.consent.grant();
      p.identify('user-erase');
    });
    await flush(page);
    await env.server.waitForUnique(1);
    const anonymousId = env.server.acceptedEvents()[0].anonymousId;

    await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      p.consent.withdraw({ erase: true });
      p.track('After erase');
    });
    const erase = await env.server.waitFor((s) => s.requests.some((r) => r.path === '/v1/erase' && r.status === 202))
      .then(() => env.server.requests.find((r) => r.path === '/v1/erase')!);
    expect(erase.body).toMatchObject({ writeKey: 'wk_test', anonymousId, userId: 'user-erase' });
    await flush(page);
    expect(env.server.ingestRequests()).toHaveLength(1);
    expect((await sdkReports(page)).errors).toEqual([]);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('Global Privacy Control: marketing is denied and the events say so', async () => {
    const page = await env.ctx.newPage();
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    await openSdkPage(page, env.server, { fixture: 'script-tag', consent: 'optional' });
    await page.evaluate(() => (window as unknown as W).portrait.track('With GPC'));
    await flush(page);
    await env.server.waitForUnique(1, { filter: named('With GPC') });
    const consent = env.server.acceptedEvents(named('With GPC'))[0].context?.consent;
    expect(consent?.gpc).toBe(true);
    expect(consent?.categories?.marketing).toBe(false);
    expect(await page.evaluate(() => (window as unknown as W).portrait.consent.get())).toMatchObject({ gpc: true, categories: { marketing: false } });
  });

  it("Google Consent Mode analytics_storage 'denied': nothing stored or sent until an update grants it", async () => {
    const page = await env.ctx.newPage();
    const others = recordOtherRequests(page);
    await page.addInitScript(() => {
      const w = window as unknown as { dataLayer: unknown[]; gtag: (...a: unknown[]) => void };
      w.dataLayer = w.dataLayer || [];
      // gtag pushes its `arguments` object, as Google's snippet does.
      w.gtag = function gtag() { w.dataLayer.push(arguments); };
      w.gtag('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied' });
    });
    await page.clock.install();
    await openSdkPage(page, env.server, { fixture: 'script-tag', consent: 'optional' });
    await page.evaluate(() => (window as unknown as W).portrait.track('Under Consent Mode'));
    await flush(page);
    await page.clock.runFor(60_000);
    expect(others).toEqual([]);
    expect(await footprint(page)).toEqual(NOTHING);

    await page.evaluate(() => {
      const w = window as unknown as W & { gtag: (...a: unknown[]) => void };
      w.gtag('consent', 'update', { analytics_storage: 'granted' });
      w.portrait.track('After Consent Mode update');
    });
    await flush(page);
    await env.server.waitForUnique(1, { filter: named('After Consent Mode update') });
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  for (const purpose1 of [false, true]) {
    it(`follows a TCF v2.2 CMP without a grant call (purpose 1 ${purpose1 ? 'consented' : 'refused'})`, async () => {
      const page = await env.ctx.newPage();
      const others = recordOtherRequests(page);
      await page.addInitScript((consented) => {
        const tcData = {
          tcString: 'COtest', gdprApplies: true, eventStatus: 'tcloaded', cmpStatus: 'loaded', listenerId: 1, tcfPolicyVersion: 4,
          purpose: { consents: { 1: consented, 7: consented, 8: consented, 9: consented, 10: consented }, legitimateInterests: {} },
          vendor: { consents: {}, legitimateInterests: {} }, specialFeatureOptins: {}, publisher: { consents: {}, legitimateInterests: {} },
        };
        (window as unknown as { __tcfapi: unknown }).__tcfapi = (cmd: string, _v: number, cb: (d: unknown, ok: boolean) => void) => {
          if (cmd === 'addEventListener' || cmd === 'getTCData') setTimeout(() => cb(tcData, true), 0);
          else if (cmd === 'ping') cb({ gdprApplies: true, cmpLoaded: true, cmpStatus: 'loaded', apiVersion: '2.2' }, true);
        };
      }, purpose1);
      await page.clock.install();
      await openSdkPage(page, env.server, { fixture: 'script-tag', consent: 'required' });
      await page.evaluate(() => (window as unknown as W).portrait.track('Under TCF'));
      if (purpose1) {
        await flush(page);
        await env.server.waitForUnique(1, { filter: named('Under TCF') });
        expect(env.server.acceptedEvents(named('Under TCF'))[0].context?.consent?.source).toBe('tcf');
      } else {
        await flush(page);
        await page.clock.runFor(60_000);
        expect(others).toEqual([]);
        expect(await footprint(page)).toEqual(NOTHING);
      }
      expect(env.ctx.errors.pageErrors).toEqual([]);
    });
  }
});
