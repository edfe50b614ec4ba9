import { describe, expect, it } from 'vitest';
import type { TrackEvent } from '@portrait/protocol';
import {
  flush, idbMessageIds, installNetLog, netCalls, openSdkPage, sdkReports, trackMany, waitForIdbEvents, waitForSdk, waitForSdkError,
} from './support/sdk-page';
import { named } from './support/recording-server';
import { useE2E } from './support/use-e2e';

/**
 * Delivery in real Chromium against the recording server (issue 2, scenarios 16-18,
 * 23b): offline then online, retries with growing waits, Retry-After, non-retryable
 * statuses, and a burst of 1,000 calls.
 */

type W = Window & { portrait: any };

const ingestCalls = async (page: Parameters<typeof netCalls>[0]) =>
  (await netCalls(page)).filter((c) => new URL(c.url).pathname.startsWith('/v1/'));

const indexes = (events: unknown[]) =>
  (events as TrackEvent[]).map((e) => e.properties?.i as number).sort((a, b) => a - b);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('SDK delivery (real Chromium, recording server)', () => {
  const env = useE2E();

  it('offline with 200 events, then online: all 200 delivered once, nothing attempted while offline', async () => {
    const page = await env.ctx.newPage();
    await installNetLog(page);
    await page.clock.install();
    await openSdkPage(page, env.server);

    await env.ctx.context.setOffline(true);
    await trackMany(page, 200, 'Offline');
    // Written to IndexedDB when captured, not at page hide.
    await waitForIdbEvents(page, 200);
    await flush(page);
    // Ten minutes offline, as far as the SDK's timers can tell.
    await page.clock.runFor(10 * 60_000);
    expect(await ingestCalls(page)).toEqual([]);
    expect(env.server.requests).toHaveLength(0);

    await env.ctx.context.setOffline(false);
    await env.server.waitForUnique(200, { filter: named('Offline') });
    await flush(page);

    expect(env.server.duplicateIds()).toEqual([]);
    expect(env.server.sentIds(named('Offline'))).toHaveLength(200);
    expect(indexes(env.server.acceptedEvents(named('Offline')))).toEqual(range(200));
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('envelope: Segment fields and context from the real browser; ids persist across reloads; reset starts a new anonymous id', async () => {
    const page = await env.ctx.newPage();
    // Only the calls below (no automatic page view), so the events can be told apart.
    await openSdkPage(page, env.server, { capture: 'off' });
    await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      p.page();
      p.identify('user-42', { email: 'a@example.com' });
      p.track('Order Completed', { order_id: 'o1', revenue: 12.5 });
    });
    await flush(page);
    await env.server.waitForUnique(3);
    const [pageEvent, identify, track] = env.server.acceptedEvents();
    const browserFacts = await page.evaluate(() => ({
      ua: navigator.userAgent, lang: navigator.language, tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
      w: screen.width, h: screen.height, url: location.href, title: document.title, path: location.pathname, search: location.search,
    }));
    expect(pageEvent).toMatchObject({ type: 'page', properties: { url: browserFacts.url, path: browserFacts.path, title: browserFacts.title } });
    expect(identify).toMatchObject({ type: 'identify', userId: 'user-42', traits: { email: 'a@example.com' } });
    expect(track).toMatchObject({ type: 'track', event: 'Order Completed', userId: 'user-42', properties: { order_id: 'o1', revenue: 12.5 } });
    for (const e of [pageEvent, identify, track]) {
      expect(e.messageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.anonymousId).toBe(pageEvent.anonymousId);
      expect(Date.parse(e.timestamp!)).not.toBeNaN();
      expect(Date.parse(e.sentAt ?? (env.server.ingestRequests()[0].body as { sentAt: string }).sentAt)).not.toBeNaN();
      expect(e.context).toMatchObject({
        library: { name: expect.any(String), version: expect.any(String) },
        page: { url: browserFacts.url, path: browserFacts.path, search: browserFacts.search, title: browserFacts.title },
        userAgent: browserFacts.ua,
        locale: browserFacts.lang,
        timezone: browserFacts.tz,
        screen: { width: browserFacts.w, height: browserFacts.h },
        consent: { categories: { analytics: true } },
      });
    }
    expect(env.server.ingestRequests()[0].headers['content-type']).toMatch(/^text\/plain/);
    expect((env.server.ingestRequests()[0].body as { writeKey: string }).writeKey).toBe('wk_test');

    // Same visitor after a reload; a new anonymous id after reset().
    await page.reload();
    await waitForSdk(page);
    await page.evaluate(() => (window as unknown as W).portrait.track('After reload'));
    await flush(page);
    await env.server.waitForUnique(4);
    expect(env.server.acceptedEvents()[3]).toMatchObject({ anonymousId: pageEvent.anonymousId, userId: 'user-42' });
    await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      p.reset();
      p.track('After reset');
    });
    await flush(page);
    await env.server.waitForUnique(5);
    const afterReset = env.server.acceptedEvents()[4];
    expect(afterReset.anonymousId).not.toBe(pageEvent.anonymousId);
    expect(afterReset.userId ?? undefined).toBeUndefined();
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('a hidden page flushes at once, without waiting for the batch interval', async () => {
    const page = await env.ctx.newPage();
    await openSdkPage(page, env.server, { options: { flushInterval: 600_000, flushAt: 1000 } });
    await trackMany(page, 3, 'Before hide');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await env.server.waitForUnique(3, { timeout: 5_000, message: 'flush on visibilitychange to hidden' });
  });

  it('500 three times then 200: one copy, retries reuse the same messageIds, waits grow exponentially', async () => {
    const page = await env.ctx.newPage();
    // Pin the jitter (the SDK's ids come from crypto, not Math.random) so the waits are
    // exactly base * 2^attempt * 0.5 and growth is measurable from server timestamps.
    await page.addInitScript(() => { Math.random = () => 0.5; });
    env.server.failNext(3, { status: 500 });
    await openSdkPage(page, env.server);

    // Sent by the SDK's own batch timer, as on a real page.
    await trackMany(page, 3, 'Retried');
    await env.server.waitForUnique(3, { timeout: 30_000, filter: named('Retried') });

    const attempts = env.server.ingestRequests();
    expect(attempts.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    const idsOf = (i: number) => attempts[i].events.map((e) => e.messageId).sort();
    for (let i = 1; i < 4; i++) expect(idsOf(i)).toEqual(idsOf(0));
    expect(env.server.acceptedEvents(named('Retried'))).toHaveLength(3);
    expect(env.server.duplicateIds()).toEqual([]);

    const waits = [1, 2, 3].map((i) => attempts[i].receivedAt - attempts[i - 1].answeredAt!);
    // 1 s base, full jitter pinned at 0.5: 0.5 s, 1 s, 2 s (or 1, 2, 4 s when counting from 1).
    // Timers never fire early and a busy machine only adds delay, so the bounds are one-sided
    // where noise could flip them.
    const msg = `waits ${waits.join(', ')} ms`;
    expect(waits[0], msg).toBeGreaterThanOrEqual(450);
    expect(waits[0], msg).toBeLessThan(1_500);
    expect(waits[1], msg).toBeGreaterThanOrEqual(Math.max(900, waits[0] + 300));
    expect(waits[2], msg).toBeGreaterThanOrEqual(Math.max(1_800, waits[1] + 600));
    expect(waits[2], msg).toBeLessThan(5_000);
    // sentAt is set per attempt.
    const sentAts = attempts.map((r) => (r.body as { sentAt?: string }).sentAt);
    expect(new Set(sentAts).size).toBe(4);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('a failed send is retried on the backoff schedule, not held back by a longer batch interval', async () => {
    const page = await env.ctx.newPage();
    await page.addInitScript(() => { Math.random = () => 0.5; });
    env.server.failNext(1, { status: 503 });
    // A site that batches every 30 s; a full batch (20) goes at once.
    await openSdkPage(page, env.server, { options: { flushInterval: 30_000 } });

    await trackMany(page, 20, 'Full batch');
    await env.server.waitFor((s) => s.ingestRequests().some((r) => r.status === 503));
    // First retry within the attempt-0 bound (1 s base, jitter pinned at 0.5 = 0.5 s), with slack.
    await env.server.waitForUnique(20, { timeout: 5_000, filter: named('Full batch'), message: 'retry after a 503 (backoff ~0.5 s, batch interval 30 s)' });
    const [failed, retried] = env.server.ingestRequests();
    expect(retried.receivedAt - failed.answeredAt!).toBeLessThan(2_000);
  });

  it('429 with Retry-After: 120 -> nothing sent for 120 s, not even on flush(), then delivered', async () => {
    const page = await env.ctx.newPage();
    await installNetLog(page);
    await page.clock.install();
    env.server.failNext(1, { status: 429, retryAfter: 120 });
    await openSdkPage(page, env.server);

    await trackMany(page, 2, 'Throttled');
    await flush(page);
    await env.server.waitFor((s) => s.ingestRequests().some((r) => r.status === 429));
    await flush(page);
    expect(await ingestCalls(page)).toHaveLength(1);

    await page.clock.runFor(60_000);
    await trackMany(page, 25, 'During backoff'); // a full batch wants to go: still must wait
    await flush(page);
    await page.clock.runFor(59_000);
    await flush(page);
    expect(await ingestCalls(page)).toHaveLength(1);
    expect(env.server.ingestRequests()).toHaveLength(1);

    await page.clock.runFor(2_000);
    await env.server.waitForUnique(27, { filter: named('Throttled', 'During backoff') });
    expect(env.server.duplicateIds()).toEqual([]);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('Retry-After past 5 minutes is capped at 5 minutes', async () => {
    const page = await env.ctx.newPage();
    await installNetLog(page);
    await page.clock.install();
    env.server.failNext(1, { status: 503, retryAfter: 86_400 });
    await openSdkPage(page, env.server);

    await trackMany(page, 1, 'Capped');
    await flush(page);
    await env.server.waitFor((s) => s.ingestRequests().some((r) => r.status === 503));
    await page.clock.runFor(290_000);
    expect(await ingestCalls(page)).toHaveLength(1);
    await page.clock.runFor(15_000);
    await env.server.waitForUnique(1, { filter: named('Capped') });
  });

  for (const status of [400, 401, 403, 413]) {
    it(`a ${status} is not retried and reaches on("error"); later events still flow`, async () => {
      const page = await env.ctx.newPage();
      env.server.failNext(1, { status, body: { success: false, error: { code: 'refused', message: `refused with ${status}` } } });
      await openSdkPage(page, env.server);

      await trackMany(page, 1, 'Refused');
      await flush(page);
      await waitForSdkError(page, 'http', status);
      const refusedId = env.server.ingestRequests()[0].events.filter(named('Refused'))[0].messageId;
      const report = (await sdkReports(page)).errors.find((e) => e.status === status)!;
      expect(report.messageIds).toContain(refusedId);

      await trackMany(page, 1, 'Accepted');
      await flush(page);
      await env.server.waitForUnique(1, { filter: named('Accepted') });
      expect(env.server.sentIds().filter((id) => id === refusedId)).toHaveLength(1);
      expect(env.server.sentIds(named('Refused'))).toEqual([refusedId]);
      expect(env.ctx.errors.pageErrors).toEqual([]);
    });
  }

  it('one event rejected inside a 200: reported, and neither it nor the accepted ones are resent', async () => {
    const page = await env.ctx.newPage();
    await openSdkPage(page, env.server, { capture: 'off' });
    env.server.script({
      status: 200,
      body: { success: true, accepted: 2, duplicates: 0, discarded: 0, rejected: [{ index: 1, reason: 'event_too_large', message: 'over 32 KB' }] },
    });
    await trackMany(page, 3, 'Partly rejected');
    await flush(page);
    await waitForSdkError(page, 'rejected');
    const first = env.server.ingestRequests()[0].events.map((e) => e.messageId);
    const report = (await sdkReports(page)).errors.find((e) => e.kind === 'rejected')!;
    expect(report.messageIds).toEqual([first[1]]);

    await trackMany(page, 1, 'Next');
    await flush(page);
    await env.server.waitForUnique(1, { filter: named('Next') });
    expect(env.server.sentIds(named('Partly rejected'))).toHaveLength(3);
    expect((await sdkReports(page)).delivered).toEqual(expect.arrayContaining([first[0], first[2]]));
    expect((await sdkReports(page)).delivered).not.toContain(first[1]);
  });

  it('408 and 5xx are retried', async () => {
    const page = await env.ctx.newPage();
    await page.addInitScript(() => { Math.random = () => 0.1; });
    env.server.script({ status: 408 }, { status: 502 }, { status: 503 }, { abort: true });
    await openSdkPage(page, env.server, { capture: 'off' });
    await trackMany(page, 2, 'Retryable');
    await flush(page);
    await env.server.waitForUnique(2, { timeout: 20_000, filter: named('Retryable') });
    expect(env.server.ingestRequests().map((r) => r.status)).toEqual([408, 502, 503, 0, 200]);
    expect((await sdkReports(page)).errors.filter((e) => e.kind === 'http')).toEqual([]);
  });

  it('burst: 1,000 track() calls in one task are all delivered once, in batches', async () => {
    const page = await env.ctx.newPage();
    await installNetLog(page);
    await openSdkPage(page, env.server);

    await trackMany(page, 1000, 'Burst');
    await env.server.waitForUnique(1000, { timeout: 45_000, filter: named('Burst') });
    await flush(page);

    expect(env.server.duplicateIds()).toEqual([]);
    expect(indexes(env.server.acceptedEvents(named('Burst')))).toEqual(range(1000));
    // Batched, not one request per event (peers hit net::ERR_INSUFFICIENT_RESOURCES that way).
    expect((await ingestCalls(page)).length).toBeLessThanOrEqual(100);
    expect(env.ctx.errors.unexpectedConsoleErrors()).toEqual([]);
    expect(env.ctx.errors.pageErrors).toEqual([]);
    // The queue bound (1,000) may evict the automatic page view captured just before; never a burst event.
    const burst = new Set(env.server.messageIds(named('Burst')));
    const evicted = (await sdkReports(page)).errors.filter((e) => e.kind === 'evicted').flatMap((e) => e.messageIds ?? []);
    expect(evicted.filter((id) => burst.has(id))).toEqual([]);
  });

  it('queue full: the oldest events are evicted and counted, storage stays bounded, the newest are delivered', async () => {
    const page = await env.ctx.newPage();
    // No automatic captures: exactly the 80 events below compete for 50 places.
    await page.clock.install();
    await openSdkPage(page, env.server, { options: { maxQueueEvents: 50 }, capture: 'off' });
    await env.ctx.context.setOffline(true);
    // One burst within one millisecond (frozen here so the run is deterministic; a real
    // burst spans a few ms): capture order, not the clock, must decide which are oldest.
    await page.clock.pauseAt(Date.now() + 60_000);
    await trackMany(page, 80, 'Bounded');
    await page.clock.resume();
    await page.waitForFunction(() => {
      const s = (window as unknown as { __e2e: { errors: Array<{ kind: string; messageIds?: string[] }> } }).__e2e;
      return s.errors.filter((e) => e.kind === 'evicted').reduce((n, e) => n + (e.messageIds?.length ?? 0), 0) >= 30;
    });
    expect((await idbMessageIds(page)).length).toBeLessThanOrEqual(50);

    await env.ctx.context.setOffline(false);
    await flush(page);
    await env.server.waitForUnique(50);
    await flush(page);
    expect(env.server.uniqueCount()).toBe(50);
    // Oldest first by capture order, also for events captured in the same millisecond.
    expect(indexes(env.server.acceptedEvents()), 'the 50 newest survive').toEqual(range(80).slice(30));
    const evicted = (await sdkReports(page)).errors.filter((e) => e.kind === 'evicted').flatMap((e) => e.messageIds ?? []);
    expect(evicted).toHaveLength(30);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });

  it('bad input never throws into the page and loses nothing else', async () => {
    const page = await env.ctx.newPage();
    await openSdkPage(page, env.server);
    const thrown = await page.evaluate(() => {
      const p = (window as unknown as W).portrait;
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const calls: Array<() => void> = [
        () => p.track(undefined),
        () => p.track('Circular', circular),
        () => p.track('BigInt', { n: BigInt(1) }),
        () => p.track('Huge', { s: 'x'.repeat(40_000) }),
        () => p.identify({ not: 'a string' }),
        () => p.group(),
        () => p.alias(null),
        () => p.page(42, 'nope'),
        () => p.on('nonsense', 5),
      ];
      const errors: string[] = [];
      for (const call of calls) {
        try { call(); } catch (e) { errors.push(String(e)); }
      }
      p.track('Good after bad', { ok: true });
      return errors;
    });
    expect(thrown).toEqual([]);
    await flush(page);
    await env.server.waitForUnique(1, { filter: named('Good after bad') });
    // Oversized and non-JSON events (circular, BigInt) are refused locally and reported to
    // on('error'), not dropped in silence; none of them was sent.
    const reports = (await sdkReports(page)).errors.filter((e) => e.kind === 'rejected');
    expect(env.server.sentEvents(named('Circular', 'BigInt', 'Huge'))).toEqual([]);
    expect(reports.length, `on('error') reports: ${JSON.stringify(reports.map((r) => r.message))}; expected one each for Circular, BigInt, Huge`).toBeGreaterThanOrEqual(3);
    expect(env.server.ingestRequests().every((r) => r.status === 200)).toBe(true);
    expect(env.ctx.errors.pageErrors).toEqual([]);
  });
});
