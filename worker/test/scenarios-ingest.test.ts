/**
 * Scenarios 1-15 of shared/docs/scenarios.md ("Collector ingestion"), each asserting the
 * status, what was stored, and that nothing else was lost.
 */
import { LIMITS } from '@portrait/protocol';
import { env, listDurableObjectIds, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PROFILE_SCHEMA } from '../src/storage/profile-schema';
import { basic, deadLetters, freshIp, getProfile, ingest, ORIGIN, post, SECRET_KEY, stats, storedCount, track, uid } from './support';

const ADMIN = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };

async function newTenant(name: string, allowedOrigins?: string[]) {
  const res = await SELF.fetch(`${ORIGIN}/v1/admin/tenants`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ name, allowedOrigins }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { tenant: { id: string }; writeKey: { id: string; key: string }; secretKey: { id: string; key: string } };
}

describe('1. one oversized event in a batch', () => {
  it('stores the 10 good events, names the bad index and reason, dead-letters and counts it', async () => {
    const anon = uid('anon');
    const good = Array.from({ length: 10 }, () => track(anon));
    const big = track(anon, { properties: { blob: 'x'.repeat(40 * 1024) } });
    const before = (await stats())['rejected:event_too_large'] ?? 0;
    const r = await ingest({ batch: [...good.slice(0, 5), big, ...good.slice(5)] });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(10);
    expect(r.body.rejected).toEqual([
      { index: 5, messageId: big.messageId, reason: 'event_too_large', message: expect.stringContaining('32768 bytes') },
    ]);
    expect(await storedCount(`anonymous_id:${anon}`)).toBe(10);
    const dl = (await deadLetters()).items.filter((d) => d.messageId === big.messageId);
    expect(dl).toHaveLength(1);
    expect(dl[0].reason).toBe('event_too_large');
    expect(dl[0].payload.length).toBeLessThanOrEqual(2048);
    expect((await stats())['rejected:event_too_large']).toBe(before + 1);
    // The client got a 200: if it resent anyway, nothing would be stored twice.
    const again = await ingest({ batch: good });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 10 });
    expect(await storedCount(`anonymous_id:${anon}`)).toBe(10);
  });
});

describe('2. body over the limit', () => {
  const oversized = () => JSON.stringify({ batch: [track(uid('anon'), { properties: { pad: 'y'.repeat(LIMITS.batchBytes) } })] });

  it('413 with Content-Length, before parsing (invalid JSON past the limit is still 413), counted', async () => {
    const before = (await stats())['request:body_too_large'] ?? 0;
    const res = await post('/v1/batch', oversized());
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ success: false, error: { code: 'body_too_large' } });
    const notJson = await post('/v1/batch', '{'.repeat(LIMITS.batchBytes + 10));
    expect(notJson.status).toBe(413);
    expect((await stats())['request:body_too_large']).toBe(before + 2);
  });

  it('413 for a chunked body without Content-Length', async () => {
    const chunk = new TextEncoder().encode('{"batch":[' + ' '.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > LIMITS.batchBytes * 3) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await SELF.fetch(`${ORIGIN}/v1/batch`, {
      method: 'POST',
      headers: { authorization: basic('wk_demo'), 'content-type': 'application/json', 'cf-connecting-ip': freshIp() },
      body: stream,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    // It stopped reading shortly after the limit rather than swallowing the whole stream.
    expect(sent).toBeLessThan(LIMITS.batchBytes * 2);
  });
});

describe('3. invalid JSON and empty batches', () => {
  it('400 with a clear code; nothing stored', async () => {
    const invalid = await post('/v1/batch', '{"batch": [');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ success: false, error: { code: 'invalid_json' } });
    const empty = await post('/v1/batch', { batch: [] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 'empty_batch' } });
    const nothing = await post('/v1/batch', '');
    expect(nothing.status).toBe(400);
    const noBatch = await post('/v1/batch', { events: [] });
    expect(noBatch.status).toBe(400);
  });
});

describe('4. prototype keys in properties', () => {
  it('stores plain data without them; no object gains isAdmin; the next request is fine', async () => {
    const anon = uid('anon');
    const messageId = uid('msg');
    const raw = `{"batch":[{"type":"track","event":"Poison","messageId":"${messageId}","anonymousId":"${anon}",
      "properties":{"ok":1,"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"nested":{"__proto__":{"isAdmin":true}}}}]}`;
    const r = await ingest(raw);
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(1);
    // The worker runs in this isolate: a polluted prototype would show here.
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const p = await getProfile(`anonymous_id:${anon}`);
    const stored = p.body.events[0];
    expect(stored.properties.ok).toBe(1);
    expect(Object.keys(stored.properties).sort()).toEqual(['nested', 'ok']);
    expect(stored.properties.nested).toEqual({});
    expect(stored.flags).toContain('unsafe_keys_dropped');
    const next = await ingest({ batch: [track(anon)] });
    expect(next.body.accepted).toBe(1);
    expect(await storedCount(`anonymous_id:${anon}`)).toBe(2);
  });
});

describe('5. huge property counts and deep nesting', () => {
  it('rejects 10,000 properties (over the event size), truncates keys and depth, never a 500', async () => {
    const anon = uid('anon');
    const tenThousand = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, i]));
    const manyKeys = Object.fromEntries(Array.from({ length: 1_500 }, (_, i) => [`k${i}`, 0]));
    let deep: unknown = { leaf: true };
    for (let i = 0; i < 1_000; i++) deep = { d: deep };
    const veryDeep = '['.repeat(100_000) + ']'.repeat(100_000);
    const e1 = track(anon, { properties: tenThousand });
    const e2 = track(anon, { properties: manyKeys });
    const e3 = track(anon, { properties: { deep } });
    const body = JSON.stringify({ batch: [e1, e2, e3, track(anon)] }).replace(/\]\}$/, `,{"type":"track","event":"x","anonymousId":"${anon}","messageId":"deep-${anon}","properties":{"a":${veryDeep}}}]}`);
    const before = await stats();
    const r = await ingest(body);
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(3);
    expect(r.body.rejected.map((x) => [x.index, x.reason])).toEqual([[0, 'event_too_large'], [4, 'event_too_large']]);
    const events = (await getProfile(`anonymous_id:${anon}`)).body.events;
    const keys = events.find((e) => e.messageId === e2.messageId);
    expect(Object.keys(keys.properties).length).toBeLessThanOrEqual(LIMITS.keys);
    expect(keys.flags).toContain('truncated_keys');
    const nested = events.find((e) => e.messageId === e3.messageId);
    expect(nested.flags).toContain('truncated_depth');
    let depth = 0;
    for (let v = nested.properties.deep; v && typeof v === 'object'; v = v.d) depth++;
    expect(depth).toBeLessThanOrEqual(LIMITS.depth);
    const after = await stats();
    expect(after['flag:truncated_keys']).toBe((before['flag:truncated_keys'] ?? 0) + 1);
    expect(after['flag:truncated_depth']).toBe((before['flag:truncated_depth'] ?? 0) + 1);
    expect(after['rejected:event_too_large']).toBe((before['rejected:event_too_large'] ?? 0) + 2);
  });
});

describe('6. long strings and dirty ids', () => {
  it('truncates long strings, 413s a 1 MB string, cleans NUL and lone surrogates from ids', async () => {
    const r = await ingest({ batch: [track(uid('anon'), { userId: 'us\u0000er\ud800-6', properties: { text: 'z'.repeat(20_000) } })] });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(1);
    const p = await getProfile('user_id:user-6');
    expect(p.status).toBe(200);
    const e = p.body.events[0];
    expect(e.userId).toBe('user-6');
    expect(e.properties.text).toHaveLength(LIMITS.stringLength);
    expect(e.flags).toEqual(expect.arrayContaining(['truncated_strings', 'cleaned_userId']));
    const mb = await post('/v1/track', { event: 'Big', anonymousId: uid('anon'), messageId: uid(), properties: { s: 'm'.repeat(1024 * 1024) } });
    expect(mb.status).toBe(413);
    const tooLong = await ingest({ batch: [track('a'.repeat(101))] });
    expect(tooLong.body.rejected[0]).toMatchObject({ index: 0, reason: 'invalid_id' });
  });
});

describe('7. implausible clocks', () => {
  it('clamps 10 years ahead to receive time and flags it; a 1970 event is flagged and ordered at receive time', async () => {
    const anon = uid('anon');
    const now = Date.now();
    const first = track(anon, { timestamp: new Date(now - 3_600_000).toISOString() });
    const future = track(anon, { timestamp: new Date(now + 10 * 365 * 86_400_000).toISOString() });
    const epoch = track(anon, { timestamp: '1970-01-01T00:00:00.000Z' });
    const r = await ingest({ batch: [first, future, epoch], sentAt: new Date().toISOString() });
    expect(r.body.accepted).toBe(3);
    const p = await getProfile(`anonymous_id:${anon}`);
    const byId = new Map(p.body.events.map((e) => [e.messageId, e]));
    const f = byId.get(future.messageId);
    expect(f.flags).toContain('future_timestamp');
    expect(f.timestamp).toBe(f.receivedAt);
    const e = byId.get(epoch.messageId);
    expect(e.flags).toContain('implausible_timestamp');
    // State keeps the real first visit; the 1970 event sorts by when it arrived.
    expect(p.body.profile.portrait.behavior.firstSeen).toBe(byId.get(first.messageId).timestamp);
    expect(p.body.events.map((x) => x.messageId).indexOf(epoch.messageId)).toBeLessThan(2);
  });

  it('an epoch number no Date can hold is flagged invalid and stored at receive time, not a failed batch', async () => {
    const anon = uid('anon');
    const good = track(anon);
    const huge = track(anon, { timestamp: 1e20 });
    const r = await ingest({ batch: [good, huge], sentAt: new Date().toISOString() });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 2, rejected: [] });
    const stored = (await getProfile(`anonymous_id:${anon}`)).body.events.find((e) => e.messageId === huge.messageId);
    expect(stored.flags).toContain('invalid_timestamp');
    expect(stored.timestamp).toBe(stored.receivedAt);
  });
});

describe('8. device clock two days fast', () => {
  it('stores receivedAt - (sentAt - originalTimestamp)', async () => {
    const anon = uid('anon');
    const skew = 2 * 86_400_000;
    const happened = Date.now() - 60_000;
    const ev = track(anon, { timestamp: new Date(happened + skew).toISOString() });
    const r = await ingest({ batch: [ev], sentAt: new Date(Date.now() + skew).toISOString() });
    expect(r.body.accepted).toBe(1);
    const stored = (await getProfile(`anonymous_id:${anon}`)).body.events[0];
    const expected = Date.parse(stored.receivedAt) - (Date.parse(stored.sentAt) - Date.parse(stored.originalTimestamp));
    expect(Date.parse(stored.timestamp)).toBe(expected);
    expect(Math.abs(Date.parse(stored.timestamp) - happened)).toBeLessThan(5_000);
    expect(stored.flags ?? []).not.toContain('future_timestamp');
  });

  it('keeps the timestamp of events without sentAt (historical import)', async () => {
    const user = uid('user');
    const r = await post('/v1/track', { event: 'Order Completed', userId: user, messageId: uid(), timestamp: '2011-03-04T10:00:00.000Z' });
    expect(r.status).toBe(200);
    const stored = (await getProfile(`user_id:${user}`)).body.events[0];
    expect(stored.timestamp).toBe('2011-03-04T10:00:00.000Z');
  });
});

describe('9. the same messageId twice', () => {
  it('same payload: stored once; different payload: flagged duplicate_conflict, not merged', async () => {
    const anon = uid('anon');
    const ev = track(anon);
    expect((await ingest({ batch: [ev], sentAt: new Date().toISOString() })).body.accepted).toBe(1);
    const retry = await ingest({ batch: [ev], sentAt: new Date(Date.now() + 1000).toISOString() });
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: [] });
    const conflict = await ingest({ batch: [{ ...ev, properties: { product_id: 'other' } }] });
    expect(conflict.status).toBe(200);
    expect(conflict.body.rejected).toEqual([expect.objectContaining({ index: 0, messageId: ev.messageId, reason: 'duplicate_conflict' })]);
    const p = await getProfile(`anonymous_id:${anon}`);
    expect(p.body.profile.eventCount).toBe(1);
    expect(p.body.events[0].properties.product_id).toBe('p1');
    expect(p.body.profile.conflicts).toBe(1);
    expect((await deadLetters('&reason=duplicate_conflict')).items.some((d) => d.messageId === ev.messageId)).toBe(true);
  });

  it('a retry from another browser and network, its fields in another order, is the same payload: a duplicate', async () => {
    const anon = uid('anon');
    const ev = track(anon, { context: { page: { path: '/p/1' }, locale: 'en-GB' } });
    expect((await ingest({ batch: [ev], sentAt: new Date().toISOString() })).body.accepted).toBe(1);
    const reordered = Object.fromEntries(Object.entries({ ...ev, properties: { price: 10, product_id: 'p1' } }).reverse());
    const retry = await ingest({ batch: [reordered], sentAt: new Date(Date.now() + 5000).toISOString() }, {
      headers: { 'user-agent': 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0', 'sec-gpc': '1' },
    });
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: [] });
    const p = await getProfile(`anonymous_id:${anon}`);
    expect(p.body.profile.eventCount).toBe(1);
    expect(p.body.profile.conflicts).toBe(0);
  });
});

describe('9b. the same messageId twice in one batch', () => {
  it('stores the first, reports the copy as duplicate and a different payload as a conflict', async () => {
    const anon = uid('anon');
    const ev = track(anon);
    const r = await ingest({ batch: [ev, { ...ev }, { ...ev, event: 'Other' }] });
    expect(r.body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(r.body.rejected).toEqual([expect.objectContaining({ index: 2, reason: 'duplicate_conflict' })]);
    expect(await storedCount(`anonymous_id:${anon}`)).toBe(1);
  });
});

describe('9c. a resent batch with new events mixed in', () => {
  it('stores only the new ones, in order, across the statements a 20-event batch takes', async () => {
    const anon = uid('anon');
    const old = Array.from({ length: 16 }, (_, i) => track(anon, { properties: { product_id: `old-${i}`, price: 1 } }));
    expect((await ingest({ batch: old })).body).toMatchObject({ accepted: 16, duplicates: 0 });
    // New events at 0, 5, 13 (first statement of 16 rows) and 19 (second statement).
    const fresh = Array.from({ length: 4 }, (_, i) => track(anon, { properties: { product_id: `new-${i}`, price: 1 } }));
    const mixed = [fresh[0], ...old.slice(0, 4), fresh[1], ...old.slice(4, 11), fresh[2], ...old.slice(11), fresh[3]];
    expect(mixed).toHaveLength(20);
    const r = await ingest({ batch: mixed });
    expect(r.body).toMatchObject({ accepted: 4, duplicates: 16, rejected: [] });
    const p = await getProfile(`anonymous_id:${anon}`);
    expect(p.body.profile.eventCount).toBe(20);
    expect(p.body.profile.portrait.behavior.events).toBe(20);
    // Newest first: the four new events were stored last, in batch order.
    expect(p.body.events.slice(0, 4).map((e) => e.properties.product_id)).toEqual(['new-3', 'new-2', 'new-1', 'new-0']);
    // Resent once more: all duplicates, nothing stored.
    expect((await ingest({ batch: mixed })).body).toMatchObject({ accepted: 0, duplicates: 20 });
    expect(await storedCount(`anonymous_id:${anon}`)).toBe(20);
  });
});

describe('10. client-supplied ip and userAgent', () => {
  it('ignores them; the connection IP is never stored', async () => {
    const anon = uid('anon');
    const ev = track(anon, { ip: '6.6.6.6', request_ip: '7.7.7.7', userAgent: 'Evil/1.0', context: { ip: '8.8.8.8', userAgent: 'Fake/2.0', request_ip: '9.9.9.9' } });
    const r = await ingest({ batch: [ev] }, { ip: '203.0.113.77' });
    expect(r.body.accepted).toBe(1);
    const stored = (await getProfile(`anonymous_id:${anon}`)).body.events[0];
    const text = JSON.stringify(stored);
    for (const needle of ['6.6.6.6', '7.7.7.7', '8.8.8.8', '9.9.9.9', '203.0.113.77', 'Evil/1.0', 'Fake/2.0']) expect(text).not.toContain(needle);
    expect(stored.context.browser.name).toBe('Chrome');
    expect(stored.context.os.name).toBe('Linux');
  });
});

describe('11. unknown or disabled write keys', () => {
  it('401 for an unknown key, 403 for a disabled one; nothing stored', async () => {
    const anon = uid('anon');
    const unknown = await ingest({ batch: [track(anon)] }, { key: 'wk_nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_write_key');
    const t = await newTenant('Disabled shop');
    const off = await SELF.fetch(`${ORIGIN}/v1/admin/keys/${t.writeKey.id}`, { method: 'PATCH', headers: ADMIN, body: JSON.stringify({ disabled: true }) });
    expect(off.status).toBe(200);
    const disabled = await ingest({ batch: [track(anon)] }, { key: t.writeKey.key });
    expect(disabled.status).toBe(403);
    expect(disabled.body.error.code).toBe('write_key_disabled');
    expect(await storedCount(`anonymous_id:${anon}`)).toBe(0);
  });
});

describe('12. keys used on the wrong side', () => {
  it('refuses a secret key on the collector and a write key on the profile API', async () => {
    const anon = uid('anon');
    const secretOnIngest = await ingest({ batch: [track(anon)] }, { key: SECRET_KEY });
    expect(secretOnIngest.status).toBe(403);
    expect(secretOnIngest.body.error.code).toBe('secret_key_not_allowed');
    expect(await storedCount(`anonymous_id:${anon}`)).toBe(0);
    const writeOnApi = await getProfile(`anonymous_id:${anon}`, 'wk_demo');
    expect(writeOnApi.status).toBe(403);
    expect(writeOnApi.body.error.code).toBe('write_key_not_allowed');
    const none = await SELF.fetch(`${ORIGIN}/v1/profiles/anonymous_id:${anon}`);
    expect(none.status).toBe(401);
  });
});

describe('13. a flood of random anonymous ids from one IP', () => {
  it('429 + Retry-After past the limit, profiles bounded, other tenants and IPs unaffected', async () => {
    const ip = freshIp();
    const before = (await listDurableObjectIds(env.PROFILES)).length;
    const statuses: number[] = [];
    let retryAfter = 0;
    let storedEvents = 0;
    const send = async (size: number) => {
      const batch = Array.from({ length: size }, () => ({ type: 'track', event: 'Flood', messageId: uid('m'), anonymousId: uid('rnd') }));
      const r = await ingest({ batch }, { ip });
      statuses.push(r.status);
      if (r.status === 200) storedEvents += r.body.accepted;
      else retryAfter = Number(r.res.headers.get('retry-after'));
    };
    // Small batches until the limit (test config: 100 new anonymous ids per IP per minute) ...
    for (let i = 0; i < 8; i++) await send(25);
    // ... then 50,000 more events in full batches.
    for (let i = 0; i < 20; i++) await send(2_500);
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBe(4);
    expect(statuses.slice(ok).every((s) => s === 429)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(storedEvents).toBe(100);
    const created = (await listDurableObjectIds(env.PROFILES)).length - before;
    expect(created).toBe(100);
    // Another tenant from the same IP, and the same tenant from another IP, still get in.
    const other = await newTenant('Neighbour shop');
    const neighbour = await ingest({ batch: [track(uid('anon'))] }, { ip, key: other.writeKey.key });
    expect(neighbour.body.accepted).toBe(1);
    const elsewhere = await ingest({ batch: [track(uid('anon'))] });
    expect(elsewhere.body.accepted).toBe(1);
    expect((await stats())['request:rate_limited']).toBeGreaterThanOrEqual(24);
  }, 60_000);
});

describe('14. bots and referrer spam', () => {
  it('2xx, discarded and counted by reason; real events in the same batch are kept', async () => {
    const before = await stats();
    for (const ua of ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36']) {
      const anon = uid('bot');
      const r = await ingest({ batch: [track(anon), track(anon)] }, { headers: { 'user-agent': ua } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ accepted: 0, discarded: 2, rejected: [] });
      expect(await storedCount(`anonymous_id:${anon}`)).toBe(0);
    }
    const anon = uid('anon');
    const spam = track(anon, { type: 'page', name: 'Home', context: { page: { referrer: 'https://www.semalt.com/crawler' } } });
    const r = await ingest({ batch: [spam, track(anon)] });
    expect(r.body).toMatchObject({ accepted: 1, discarded: 1 });
    expect(await storedCount(`anonymous_id:${anon}`)).toBe(1);
    const after = await stats();
    expect(after['discarded:bot']).toBe((before['discarded:bot'] ?? 0) + 4);
    expect(after['discarded:spam_referrer']).toBe((before['discarded:spam_referrer'] ?? 0) + 1);
  }, 30_000);
});

describe('15. storage outage while ingesting', () => {
  it('503 + Retry-After, never 200; the retry stores everything exactly once', async () => {
    const healthy = uid('anon');
    const broken = uid('anon');
    const brokenStub = env.PROFILES.get(env.PROFILES.idFromName(`demo:anon:${broken}`));
    const batch = [track(healthy), track(broken), track(healthy), track(broken)];
    expect((await ingest({ batch: [track(broken)] })).body.accepted).toBe(1);
    await runInDurableObject(brokenStub, (_obj, state) => {
      state.storage.sql.exec('ALTER TABLE events RENAME TO events_offline');
    });
    const failed = await ingest({ batch });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ success: false, error: { code: 'storage_unavailable' } });
    expect(Number(failed.res.headers.get('retry-after'))).toBeGreaterThan(0);
    await runInDurableObject(brokenStub, (_obj, state) => {
      state.storage.sql.exec('ALTER TABLE events_offline RENAME TO events');
      for (const s of PROFILE_SCHEMA) state.storage.sql.exec(s);
    });
    const retried = await ingest({ batch });
    expect(retried.status).toBe(200);
    // The healthy profile had stored its two before the failure: now they are duplicates.
    expect(retried.body).toMatchObject({ accepted: 2, duplicates: 2, rejected: [] });
    expect(await storedCount(`anonymous_id:${healthy}`)).toBe(2);
    expect(await storedCount(`anonymous_id:${broken}`)).toBe(3);
  });
});
