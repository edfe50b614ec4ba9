import { describe, expect, it } from 'vitest';
import { storageFootprint } from './support/browser';
import { useE2E } from './support/use-e2e';
import { flushPage, sdkReady, tracks, waitTracks } from './fixtures/capture/events';

const env = useE2E();
const visit = async (page: import('playwright-core').Page, query: string, consent = 'optional') => {
  await page.goto(env.server.url(`/fixtures/capture/landing.html?consent=${consent}&${query}`));
  await sdkReady(page);
};
const mark = (page: import('playwright-core').Page, name: string) =>
  page.evaluate((n) => (window as unknown as { portrait: { track(e: string): void } }).portrait.track(n), name);

describe('campaign attribution in Chromium', () => {
  it('UTM and click ids go to context.campaign; first and last touch are remembered across visits', async () => {
    const page = await env.ctx.newPage();
    await visit(page, 'utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=G-1');
    await mark(page, 'Visit 1');
    await flushPage(page);
    await visit(page, 'x=1'); // a later visit without campaign parameters
    await mark(page, 'Visit 2');
    await flushPage(page);
    await visit(page, 'utm_source=ads&utm_campaign=retarget&fbclid=F-9'); // a new campaign
    await mark(page, 'Visit 3');
    await flushPage(page);
    await visit(page, '');
    await mark(page, 'Visit 4');
    await flushPage(page);
    for (const n of [1, 2, 3, 4]) await waitTracks(env.server, `Visit ${n}`);

    const ctx = (n: number) => tracks(env.server, `Visit ${n}`)[0].context!;
    const spring = { source: 'newsletter', medium: 'email', name: 'spring', gclid: 'G-1' };
    const retarget = { source: 'ads', name: 'retarget', fbclid: 'F-9' };
    expect([ctx(1).campaign, ctx(1).firstTouch]).toEqual([spring, spring]);
    expect([ctx(2).campaign, ctx(2).firstTouch]).toEqual([spring, spring]);
    expect([ctx(3).campaign, ctx(3).firstTouch]).toEqual([retarget, spring]);
    expect([ctx(4).campaign, ctx(4).firstTouch]).toEqual([retarget, spring]);
    // the new campaign started a new session; the visits in between continued theirs
    expect([1, 2, 3, 4].map((n) => ctx(n).session!.count)).toEqual([1, 1, 2, 2]);
  });

  it('remembers nothing before consent, and the landing campaign once consent is granted', async () => {
    const page = await env.ctx.newPage();
    await visit(page, 'utm_source=partner&utm_campaign=launch', 'required');
    await mark(page, 'Before consent');
    const before = await storageFootprint(page);
    expect(before.localStorage).toEqual([]);
    expect(env.server.ingestRequests()).toEqual([]);
    await page.evaluate(() => (window as unknown as { portrait: { consent: { grant(): void } } }).portrait.consent.grant());
    await flushPage(page);
    await waitTracks(env.server, 'Before consent');
    expect(tracks(env.server, 'Before consent')[0].context!.campaign).toEqual({ source: 'partner', name: 'launch' });
    await visit(page, '', 'required'); // consent was persisted by the SDK
    await mark(page, 'Later');
    await flushPage(page);
    await waitTracks(env.server, 'Later');
    expect(tracks(env.server, 'Later')[0].context!.firstTouch).toEqual({ source: 'partner', name: 'launch' });
  });
});
