import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TrackEvent } from '@portrait/protocol';
import { launchPersistent, type PersistentBrowser } from './support/browser';
import { named, type RecordedRequest } from './support/recording-server';
import {
  flush, idbMessageIds, installNetLog, openSdkPage, persistedNetCalls, trackMany, waitForIdbEvents, waitForSdk,
} from './support/sdk-page';
import { useE2E } from './support/use-e2e';

/**
 * Tabs, reloads and closed tabs in real Chromium (issue 2, scenarios 19-21): the
 * IndexedDB queue is shared by the site's tabs, one tab flushes at a time, and what
 * a tab leaves behind is sent on the next visit, once.
 */

const visitOf = (r: RecordedRequest) => new URL(String(r.headers.referer ?? 'http://x/')).searchParams.get('visit');
const tabOf = (r: RecordedRequest) => new URL(String(r.headers.referer ?? 'http://x/')).searchParams.get('tab');

/** Close a tab the way a visitor does (unload handlers run) and wait until it is gone. */
async function closeTab(page: Page): Promise<void> {
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: true });
  await closed;
}

describe('SDK across tabs and visits (real Chromium, recording server)', () => {
  const env = useE2E();

  it('two tabs offline with 50 events each, then online: 100 delivered, no messageId sent twice, one tab at a time', async () => {
    const [a, b] = [await env.ctx.newPage(), await env.ctx.newPage()];
    await openSdkPage(a, env.server, { query: { tab: 'A' } });
    await openSdkPage(b, env.server, { query: { tab: 'B' } });
    // Slow answers make overlapping flushes from the two tabs visible.
    env.server.failNext(40, { delayMs: 150 });

    await env.ctx.context.setOffline(true);
    await trackMany(a, 50, 'Two tabs', { tab: 'A' });
    await trackMany(b, 50, 'Two tabs', { tab: 'B' });
    await waitForIdbEvents(a, 100);

    await env.ctx.context.setOffline(false);
    await env.server.waitForUnique(100, { timeout: 30_000, filter: named('Two tabs') });
    await Promise.all([flush(a), flush(b)]);

    // Automatic captures (page views) ride along; none of anything is delivered twice.
    expect(env.server.duplicateIds()).toEqual([]);
    expect(env.server.sentIds(named('Two tabs'))).toHaveLength(100);
    const events = env.server.acceptedEvents(named('Two tabs')) as TrackEvent[];
    expect(events.filter((e) => e.properties?.tab === 'A')).toHaveLength(50);
    expect(events.filter((e) => e.properties?.tab === 'B')).toHaveLength(50);

    // No request of one tab was in flight while a request of the other tab was.
    const reqs = env.server.ingestRequests();
    for (const r of reqs) {
      for (const o of reqs) {
        if (tabOf(r) === tabOf(o)) continue;
        const overlap = r.receivedAt < o.answeredAt! && o.receivedAt < r.answeredAt!;
        expect(overlap, `tab ${tabOf(r)} #${r.seq} overlaps tab ${tabOf(o)} #${o.seq}`).toBe(false);
      }
    }
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('events left by a closed tab are picked up by one of two open tabs, each sent once', async () => {
    const gone = await env.ctx.newPage();
    await openSdkPage(gone, env.server, { query: { tab: 'C' } });
    await env.ctx.context.setOffline(true);
    await trackMany(gone, 60, 'Orphan', { tab: 'C' });
    await waitForIdbEvents(gone, 60);
    await closeTab(gone);

    // The visitor comes back online with two tabs of the site; answers are slow.
    await env.ctx.context.setOffline(false);
    env.server.failNext(40, { delayMs: 150 });
    const [a, b] = [await env.ctx.newPage(), await env.ctx.newPage()];
    await Promise.all([openSdkPage(a, env.server, { query: { tab: 'A' } }), openSdkPage(b, env.server, { query: { tab: 'B' } })]);
    await env.server.waitForUnique(60, { timeout: 30_000, filter: named('Orphan') });
    await Promise.all([flush(a), flush(b)]);

    const twice = env.server.ingestRequests().filter((r) => (r.response as { duplicates?: number } | undefined)?.duplicates);
    expect(env.server.duplicateIds(), `re-sent after delivery: ${twice.map((r) => `tab ${tabOf(r)} #${r.seq} (${r.events.length} events)`).join(', ')}`).toEqual([]);
    expect(env.server.sentIds(named('Orphan'))).toHaveLength(60);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  const withoutWebLocks = () =>
    env.ctx.context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true });
    });

  /** Two tabs of the site, offline, 50 events each, then online until all 100 are delivered. */
  async function twoTabsOfflineThenOnline() {
    const [a, b] = [await env.ctx.newPage(), await env.ctx.newPage()];
    await openSdkPage(a, env.server, { query: { tab: 'A' } });
    await openSdkPage(b, env.server, { query: { tab: 'B' } });
    // Slow answers, as on a real network: a lease that does not hold shows up as a double send.
    env.server.failNext(40, { delayMs: 150 });
    await env.ctx.context.setOffline(true);
    await trackMany(a, 50, 'Two tabs', { tab: 'A' });
    await trackMany(b, 50, 'Two tabs', { tab: 'B' });
    await waitForIdbEvents(a, 100);
    await env.ctx.context.setOffline(false);
    await env.server.waitForUnique(100, { timeout: 30_000, filter: named('Two tabs') });
    // A finishes (its deletions committed), then B reads the queue and forgets what A delivered
    // for it, as its own next flush would within flushInterval.
    await flush(a);
    await flush(b);
    return [a, b] as const;
  }

  it('without navigator.locks (fallback lease): two tabs offline, then online: 100 delivered, none twice', async () => {
    await withoutWebLocks();
    const [a] = await twoTabsOfflineThenOnline();
    expect(await a.evaluate(() => navigator.locks)).toBeUndefined();
    const twice = env.server.ingestRequests().filter((r) => (r.response as { duplicates?: number } | undefined)?.duplicates);
    expect(env.server.duplicateIds(), `re-sent by another tab after delivery: ${twice.map((r) => `tab ${tabOf(r)} #${r.seq} (${r.events.length} events)`).join(', ')}`).toEqual([]);
    expect(env.server.sentIds(named('Two tabs'))).toHaveLength(100);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('without navigator.locks: a closing tab does not resend what the other tab already delivered', async () => {
    await withoutWebLocks();
    await installNetLog(env.ctx.context, { persist: true });
    const [a, b] = await twoTabsOfflineThenOnline();
    const before = (await persistedNetCalls(a)).length;
    await closeTab(b);
    // Calls are logged synchronously in the closing page, so nothing is missed by not waiting.
    const atUnload = (await persistedNetCalls(a)).slice(before).filter((c) => c.page.includes('tab=B') && new URL(c.url).pathname.startsWith('/v1/'));
    const delivered = new Set(env.server.messageIds());
    const resent = atUnload.flatMap((c) => c.messageIds ?? []).filter((id) => delivered.has(id));
    expect(resent.length, `tab B resent ${resent.length} delivered events while closing (${atUnload.map((c) => c.bytes).join(' + ')} bytes)`).toBe(0);
  });

  it('tab closed while offline with events queued: sent on the next visit, once', async () => {
    const first = await env.ctx.newPage();
    await openSdkPage(first, env.server, { query: { visit: '1' } });
    await env.ctx.context.setOffline(true);
    await trackMany(first, 10, 'Left behind');
    await waitForIdbEvents(first, 10);
    await closeTab(first);
    expect(env.server.requests).toHaveLength(0);

    await env.ctx.context.setOffline(false);
    const next = await env.ctx.newPage();
    await openSdkPage(next, env.server, { query: { visit: '2' } });
    await env.server.waitForUnique(10, { filter: named('Left behind') });
    await flush(next);

    expect(env.server.duplicateIds()).toEqual([]);
    expect(env.server.sentIds(named('Left behind'))).toHaveLength(10);
    expect(env.server.ingestRequests().every((r) => visitOf(r) === '2')).toBe(true);
    const left = new Set(env.server.messageIds(named('Left behind')));
    expect((await idbMessageIds(next)).filter((id) => left.has(id))).toEqual([]);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('browser quit with events queued offline: sent when the visitor comes back, once', async () => {
    // A real on-disk profile: the queue must survive the whole browser going away.
    const first = await launchPersistent();
    let again: PersistentBrowser | undefined;
    try {
      const page = await first.newPage();
      await openSdkPage(page, env.server, { query: { visit: '1' } });
      await first.context.setOffline(true);
      await trackMany(page, 10, 'Across restarts');
      await waitForIdbEvents(page, 10);
      again = await first.relaunch();
      expect(env.server.requests).toHaveLength(0);

      const back = await again.newPage();
      await openSdkPage(back, env.server, { query: { visit: '2' } });
      await env.server.waitForUnique(10, { filter: named('Across restarts') });
      await flush(back);
      expect(env.server.duplicateIds()).toEqual([]);
      expect(env.server.sentIds(named('Across restarts'))).toHaveLength(10);
      expect(again.errors.pageErrors).toEqual([]);
    } finally {
      await (again ?? first).close();
    }
  });

  it('reloaded after sending, before the answer: resent on the next load with the same ids, stored once', async () => {
    const page = await env.ctx.newPage();
    // The collector stores the batch but the answer never arrives (scenario 20).
    env.server.script({ storeThenHang: true });
    await openSdkPage(page, env.server);
    await trackMany(page, 10, 'Unanswered');
    // Start the flush without waiting for it: its answer never comes.
    await page.evaluate(() => { void (window as unknown as { portrait: { flush(): unknown } }).portrait.flush(); });
    await env.server.waitForUnique(10, { filter: named('Unanswered') });
    const firstIds = env.server.ingestRequests()[0].events.filter(named('Unanswered')).map((e) => e.messageId).sort();
    expect(firstIds).toHaveLength(10);

    await page.reload();
    await waitForSdk(page);
    // The reloaded page sends them again; the collector answers "duplicates".
    await env.server.waitFor((s) =>
      s.ingestRequests().filter((r) => r.status === 200).reduce((n, r) => n + (r.response as { duplicates: number }).duplicates, 0) >= 10,
    { message: 'waiting for the 10 unanswered events to be resent' });
    await flush(page);

    const resent = new Set(env.server.ingestRequests().slice(1).flatMap((r) => r.events.map((e) => e.messageId)));
    for (const id of firstIds) expect(resent.has(id), `${id} resent`).toBe(true);
    expect(env.server.acceptedEvents(named('Unanswered'))).toHaveLength(10);
    // At most one resend per event: never sent twice at once.
    for (const id of firstIds) expect(env.server.sentIds().filter((x) => x === id).length).toBeLessThanOrEqual(2);
    const idb = await idbMessageIds(page);
    expect(firstIds.filter((id) => idb.includes(id))).toEqual([]);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  for (const transport of ['fetch keepalive', 'sendBeacon (browser without fetch keepalive)'] as const) {
  it(`tab closed with ~100 KB queued, ${transport}: at most 64 KiB in flight, the rest sent on the next visit, each stored once`, async () => {
    const first = await env.ctx.newPage();
    if (transport !== 'fetch keepalive') {
      // A browser whose keepalive fetch fails (unsupported, or over its quota).
      await first.addInitScript(() => {
        const real = window.fetch;
        window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
          if (init?.keepalive) return Promise.reject(new TypeError('Failed to fetch: keepalive is not supported'));
          return real.call(this, input, init);
        };
      });
    }
    await installNetLog(first, { persist: true });
    // No batch leaves before the tab closes: everything goes at unload or next visit.
    await openSdkPage(first, env.server, { query: { visit: '1' }, options: { flushAt: 1000, flushInterval: 600_000 } });
    await trackMany(first, 50, 'Heavy', { padBytes: 1000 });
    await waitForIdbEvents(first, 50);
    expect(env.server.requests).toHaveLength(0);

    await closeTab(first);
    // The unload flush arrives (keepalive/beacon) and is answered.
    await env.server.waitFor((s) => {
      const unload = s.ingestRequests().filter((r) => visitOf(r) === '1');
      return unload.length > 0 && unload.every((r) => r.outcome !== 'hanging');
    }, { message: 'waiting for the unload flush' });

    const next = await env.ctx.newPage();
    await openSdkPage(next, env.server, { query: { visit: '2' } });
    await env.server.waitForUnique(50, { filter: named('Heavy') });
    await flush(next);

    const calls = (await persistedNetCalls(next)).filter((c) => c.keepalive && c.page.includes('visit=1') && new URL(c.url).pathname.startsWith('/v1/'));
    expect(calls.length).toBeGreaterThan(0);
    const kinds = calls.filter((c) => !c.refused).map((c) => c.kind);
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.every((k) => k === (transport === 'fetch keepalive' ? 'fetch' : 'beacon')), JSON.stringify(calls.map((c) => [c.kind, c.refused]))).toBe(true);
    expect(Math.max(...calls.map((c) => c.inflightKeepalive))).toBeLessThanOrEqual(64 * 1024);
    const unload = env.server.ingestRequests().filter((r) => visitOf(r) === '1');
    const unloadBytes = unload.reduce((n, r) => n + r.bytes, 0);
    expect(unloadBytes).toBeGreaterThan(0);
    expect(unloadBytes).toBeLessThanOrEqual(64 * 1024);

    // Everything stored exactly once; what the unload could not carry came on the next visit.
    const heavy = env.server.acceptedEvents(named('Heavy')).map((e) => e.messageId);
    expect(heavy).toHaveLength(50);
    const atUnload = new Set(unload.flatMap((r) => r.events.filter(named('Heavy')).map((e) => e.messageId)));
    expect(atUnload.size).toBeLessThan(50);
    const nextVisit = env.server.ingestRequests().filter((r) => visitOf(r) === '2').flatMap((r) => r.events.map((e) => e.messageId));
    for (const id of heavy) if (!atUnload.has(id)) expect(nextVisit).toContain(id);
    const idb = await idbMessageIds(next);
    expect(heavy.filter((id) => idb.includes(id))).toEqual([]);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });
  }
});
