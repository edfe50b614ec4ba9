import { describe, expect, it } from 'vitest';
import { getProfile, ingest, post, track, uid } from './support';

describe('ingest basics', () => {
  it('stores a batch and returns the protocol IngestResponse', async () => {
    const anon = uid('anon');
    const r = await ingest({ batch: [track(anon), track(anon), { type: 'page', name: 'Home', messageId: uid(), anonymousId: anon }] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, accepted: 3, duplicates: 0, discarded: 0, rejected: [] });
    const p = await getProfile(`anonymous_id:${anon}`);
    expect(p.status).toBe(200);
    expect(p.body.profile.eventCount).toBe(3);
    expect(p.body.events).toHaveLength(3);
  });

  it('accepts every single-event route and its one-letter form', async () => {
    const user = uid('user');
    const routes: Array<[string, Record<string, unknown>]> = [
      ['/v1/track', { event: 'Signed Up' }], ['/v1/t', { event: 'Clicked' }],
      ['/v1/page', { name: 'Home' }], ['/v1/p', { name: 'Cart' }],
      ['/v1/screen', { name: 'Main' }], ['/v1/s', { name: 'Settings' }],
      ['/v1/identify', { traits: { email: 'a@b.c' } }], ['/v1/i', { traits: { plan: 'pro' } }],
      ['/v1/group', { groupId: 'g1' }], ['/v1/g', { groupId: 'g2' }],
      ['/v1/alias', { previousId: uid('old') }], ['/v1/a', { previousId: uid('old') }],
      ['/v1/b', { batch: [{ type: 'track', event: 'In batch', userId: user, messageId: uid() }] }],
    ];
    for (const [path, extra] of routes) {
      const body = path === '/v1/b' ? extra : { userId: user, messageId: uid(), ...extra };
      const res = await post(path, body);
      expect(res.status, path).toBe(200);
      expect(((await res.json()) as { accepted: number }).accepted, path).toBe(1);
    }
    const p = await getProfile(`user_id:${user}`);
    expect(p.body.profile.eventCount).toBe(routes.length);
    expect(p.body.profile.portrait.behavior.eventTypes).toMatchObject({ track: 3, page: 2, screen: 2, identify: 2, group: 2, alias: 2 });
  });

  it('takes the write key from the body and text/plain bodies (what browsers send)', async () => {
    const anon = uid('anon');
    const res = await post('/v1/t', { writeKey: 'wk_demo', event: 'Beacon', anonymousId: anon, messageId: uid() }, { key: null, contentType: 'text/plain' });
    expect(res.status).toBe(200);
    expect(await getProfile(`anonymous_id:${anon}`).then((p) => p.body.profile.eventCount)).toBe(1);
  });

  it('applies batch-level context and integrations to every event', async () => {
    const anon = uid('anon');
    const r = await ingest({
      batch: [track(anon), track(anon, { context: { locale: 'de-DE' } })],
      context: { locale: 'fr-FR', library: { name: 'lib', version: '1' } },
      integrations: { All: false },
    });
    expect(r.body.accepted).toBe(2);
    const events = (await getProfile(`anonymous_id:${anon}`)).body.events;
    const locales = events.map((e) => e.context.locale).sort();
    expect(locales).toEqual(['de-DE', 'fr-FR']);
    for (const e of events) {
      expect(e.context.library).toEqual({ name: 'lib', version: '1' });
      expect(e.integrations).toEqual({ All: false });
    }
  });

  it('answers CORS preflights and reflects the origin on ingest answers', async () => {
    const { SELF } = await import('cloudflare:test');
    const pre = await SELF.fetch('http://collector.test/v1/batch', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const res = await post('/v1/batch', { batch: [track(uid('anon'))] }, { headers: { origin: 'https://shop.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });

  it('says what is wrong when no write key is sent', async () => {
    const res = await post('/v1/batch', { batch: [track(uid('anon'))] }, { key: null });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ success: false, error: { code: 'missing_write_key' } });
  });
});
