import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { sha256Hex } from '../src/storage/key-store';
import { getProfile, ingest, ORIGIN, post, track, uid } from './support';

const ADMIN = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };

describe('admin API and keys', () => {
  it('creates tenants whose keys work, are stored hashed, and are isolated from other tenants', async () => {
    const res = await SELF.fetch(`${ORIGIN}/v1/admin/tenants`, { method: 'POST', headers: ADMIN, body: JSON.stringify({ name: 'Shop A' }) });
    expect(res.status).toBe(201);
    const t = (await res.json()) as { tenant: { id: string }; writeKey: { key: string }; secretKey: { key: string } };
    expect(t.writeKey.key).toMatch(/^wk_[0-9a-f]{32}$/);
    expect(t.secretKey.key).toMatch(/^sk_[0-9a-f]{64}$/);
    const stored = await env.DB.prepare('SELECT key_hash FROM api_keys WHERE tenant_id = ?').bind(t.tenant.id).all<{ key_hash: string }>();
    const hashes = stored.results.map((r) => r.key_hash).sort();
    expect(hashes).toEqual([await sha256Hex(t.writeKey.key), await sha256Hex(t.secretKey.key)].sort());
    expect(JSON.stringify(stored.results)).not.toContain(t.secretKey.key);

    const anon = uid('anon');
    expect((await ingest({ batch: [track(anon)] }, { key: t.writeKey.key })).body.accepted).toBe(1);
    expect((await getProfile(`anonymous_id:${anon}`, t.secretKey.key)).status).toBe(200);
    // The demo tenant's secret key sees nothing of tenant A: the same 404 as a missing profile.
    const other = await getProfile(`anonymous_id:${anon}`, 'sk_demo');
    const missing = await getProfile(`anonymous_id:${uid('nobody')}`, 'sk_demo');
    expect(other.status).toBe(404);
    expect(other.body).toEqual(missing.body);
    const profileId = (await getProfile(`anonymous_id:${anon}`, t.secretKey.key)).body.profile.profileId;
    expect((await getProfile(profileId, 'sk_demo')).status).toBe(404);
    expect((await getProfile(profileId, t.secretKey.key)).status).toBe(200);
  });

  it('refuses the admin API without the right token', async () => {
    const none = await SELF.fetch(`${ORIGIN}/v1/admin/tenants`, { method: 'POST', body: '{"name":"x"}' });
    expect(none.status).toBe(401);
    const wrong = await SELF.fetch(`${ORIGIN}/v1/admin/tenants`, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: '{"name":"x"}' });
    expect(wrong.status).toBe(401);
    const off = await createApp().request('/v1/admin/tenants', { method: 'POST', headers: ADMIN, body: '{"name":"x"}' }, { ...env, ADMIN_TOKEN: undefined });
    expect(off.status).toBe(403);
    expect(await off.json()).toMatchObject({ error: { code: 'admin_disabled' } });
  });

  it('limits a write key to its allowed origins (no CORS header for others)', async () => {
    const res = await SELF.fetch(`${ORIGIN}/v1/admin/tenants`, {
      method: 'POST', headers: ADMIN, body: JSON.stringify({ name: 'Shop B', allowedOrigins: ['https://shop-b.example'] }),
    });
    const t = (await res.json()) as { writeKey: { key: string } };
    const allowed = await post('/v1/batch', { batch: [track(uid('anon'))] }, { key: t.writeKey.key, headers: { origin: 'https://shop-b.example' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop-b.example');
    const anon = uid('anon');
    const denied = await post('/v1/batch', { batch: [track(anon)] }, { key: t.writeKey.key, headers: { origin: 'https://evil.example' } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    expect(await denied.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
  });

  it('gives the marketer API no CORS at all', async () => {
    const pre = await SELF.fetch(`${ORIGIN}/v1/profiles/user_id:x`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('dead letters and stats', () => {
  it('lists rejected events with a cursor and filters by reason', async () => {
    const ids = [uid('bad'), uid('bad'), uid('bad')];
    await ingest({ batch: ids.map((messageId) => ({ type: 'track', messageId, anonymousId: uid('anon') })) });
    const first = await SELF.fetch(`${ORIGIN}/v1/dead-letters?limit=2&reason=invalid_event`, { headers: { authorization: 'Bearer sk_demo' } });
    const page1 = (await first.json()) as { items: Array<{ messageId: string; reason: string }>; nextCursor: string };
    expect(page1.items).toHaveLength(2);
    const second = await SELF.fetch(`${ORIGIN}/v1/dead-letters?limit=2&reason=invalid_event&cursor=${page1.nextCursor}`, { headers: { authorization: 'Bearer sk_demo' } });
    const page2 = (await second.json()) as { items: Array<{ messageId: string }> };
    expect([...page1.items, ...page2.items].map((d) => d.messageId).sort()).toEqual(ids.sort());
    const writeKey = await SELF.fetch(`${ORIGIN}/v1/dead-letters`, { headers: { authorization: 'Bearer wk_demo' } });
    expect(writeKey.status).toBe(403);
  });
});

describe('/portrait.js', () => {
  it('serves the built script with cache and CORS headers', async () => {
    const assets = { fetch: async (req: Request) => (new URL(req.url).pathname === '/portrait.js' ? new Response('/*sdk*/', { headers: { etag: '"abc"' } }) : new Response('nope', { status: 404 })) };
    const app = createApp();
    const res = await app.request('/portrait.js', {}, { ...env, ASSETS: assets as unknown as Fetcher });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('/*sdk*/');
    expect(res.headers.get('cache-control')).toContain('max-age=');
    expect(res.headers.get('etag')).toBe('"abc"');
    expect(res.headers.get('content-type')).toContain('javascript');
    for (const chunk of ['/portrait-vitals.js', '/portrait-debug.js']) {
      const lazy = await app.request(chunk, {}, { ...env, ASSETS: { fetch: async () => new Response('/*chunk*/') } as unknown as Fetcher });
      expect(lazy.headers.get('cache-control')).toContain('max-age=');
      expect(lazy.headers.get('content-type')).toContain('javascript');
    }
    const missing = await app.request('/personalize.js', {}, { ...env, ASSETS: assets as unknown as Fetcher });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_built' } });
  });
});
