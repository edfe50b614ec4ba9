import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderTemplate, startRecordingServer, type RecordingServer } from './recording-server';

const ev = (id: string) => ({ type: 'track', event: 'E', messageId: id, anonymousId: 'a1', timestamp: new Date().toISOString() });

describe('recording server', () => {
  let server: RecordingServer;
  beforeAll(async () => { server = await startRecordingServer(); });
  afterEach(() => server.reset());
  afterAll(async () => { await server.close(); });

  const post = (ids: string[], path = '/v1/b') =>
    fetch(server.url(path), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ batch: ids.map(ev), writeKey: 'wk_test' }) });

  it('answers ingest like the collector and reports a repeat as a duplicate', async () => {
    const first = await post(['m1', 'm2']);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ success: true, accepted: 2, duplicates: 0, discarded: 0, rejected: [] });
    const again = await post(['m2', 'm3']);
    expect(await again.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(server.messageIds()).toEqual(['m1', 'm2', 'm2', 'm3']);
    expect(server.uniqueCount()).toBe(3);
    expect(server.duplicateIds()).toEqual(['m2']);
    expect(server.acceptedEvents().map((e) => e.messageId)).toEqual(['m1', 'm2', 'm3']);
  });

  it('rejects bad JSON and an empty batch with 400, and one bad event by index', async () => {
    const bad = await fetch(server.url('/v1/b'), { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    const empty = await fetch(server.url('/v1/b'), { method: 'POST', body: '{"batch":[]}' });
    expect(empty.status).toBe(400);
    const mixed = await fetch(server.url('/v1/b'), { method: 'POST', body: JSON.stringify({ batch: [ev('ok'), { type: 'track', event: 'x', anonymousId: 'a' }] }) });
    expect(await mixed.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, reason: 'invalid_id' }] });
  });

  it('fails the next N posts as scripted, with Retry-After, then ingests', async () => {
    server.failNext(2, { status: 503, retryAfter: 7 });
    const a = await post(['r1']);
    const b = await post(['r1']);
    const c = await post(['r1']);
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(server.sentIds()).toEqual(['r1', 'r1', 'r1']);
    expect(server.messageIds()).toEqual(['r1']);
  });

  it('hangs a request until released, and drops one when told to abort', async () => {
    server.script({ hang: true }, { abort: true });
    const hung = post(['h1']);
    await server.waitFor((s) => s.requests.some((r) => r.outcome === 'hanging'));
    expect(server.uniqueCount()).toBe(0);
    server.releaseHanging();
    expect((await hung).status).toBe(200);
    await expect(post(['h2'])).rejects.toThrow();
    expect(server.requests.at(-1)?.outcome).toBe('aborted');
    expect(server.messageIds()).toEqual(['h1']);
  });

  it('stores then hangs: the events count as delivered though no answer came', async () => {
    server.script({ storeThenHang: true });
    const lost = post(['s1']).catch(() => 'aborted');
    await server.waitFor((s) => s.uniqueCount() === 1);
    expect(server.requests[0].status).toBeUndefined();
    const again = await post(['s1']);
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(server.duplicateIds()).toEqual(['s1']);
    server.releaseHanging({ abort: true });
    expect(await lost).toBe('aborted');
  });

  it('waitFor resolves on the event and times out with a summary', async () => {
    const waiting = server.waitForUnique(2);
    await post(['w1']);
    await post(['w2']);
    await waiting;
    await expect(server.waitFor(() => false, { timeout: 50, message: 'never' })).rejects.toThrow(/never within 50 ms; 2 requests/);
  });

  it('answers CORS preflights and simple requests from another origin', async () => {
    const pre = await fetch(server.url('/v1/b'), { method: 'OPTIONS', headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://example.test');
    const res = await fetch(server.url('/v1/b'), { method: 'POST', headers: { Origin: 'http://example.test' }, body: JSON.stringify({ batch: [ev('c1')] }) });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://example.test');
  });

  it('serves fixtures with placeholders filled and escaped, and custom routes', async () => {
    expect(renderTemplate('a={{a}} b={{b|dflt}} c={{c}}', { a: '<x"y>' })).toBe('a=&lt;x&quot;y&gt; b=dflt c=');
    const html = await (await fetch(server.url('/fixtures/sdk/script-tag.html?consent=required'))).text();
    expect(html).toContain('data-consent="required"');
    expect(html).toContain(`data-host="${server.origin}"`);
    expect((await fetch(server.url('/fixtures/../support/browser.ts'))).status).toBe(404);
    server.handle('GET', '/v1/decide', () => ({ status: 200, body: { banner: null } }));
    expect(await (await fetch(server.url('/v1/decide'))).json()).toEqual({ banner: null });
    expect((await fetch(server.url('/v1/unknown'))).status).toBe(404);
  });
});
