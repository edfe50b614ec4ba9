import { createExecutionContext, env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { openApiPath } from '../src/routes/route-registry';
import { api, apiJson, indexNow, newTenant, profileId } from './marketer-support';
import { ORIGIN, SECRET_KEY, basic, ingest, uid } from './support';

const ADMIN = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' };

describe('tenant isolation (scenario 29)', () => {
  const user = uid('user');
  const anon = uid('anon');
  const email = `${user}@a.example`;
  let other: { tenantId: string; secretKey: string };

  beforeAll(async () => {
    await ingest({ batch: [{ type: 'identify', userId: user, anonymousId: anon, messageId: uid(), traits: { email } }, { type: 'track', userId: user, messageId: uid(), event: 'Order Completed' }] });
    await indexNow('demo', [`user:${user}`]);
    other = await newTenant('Tenant B');
  });

  it('answers another tenant\'s profile exactly like a guessed id and a missing one: 404, same body, same size', async () => {
    const demoId = profileId('demo', `user:${user}`);
    const refs = [`user_id:${user}`, `anonymous_id:${anon}`, demoId, `email:${email}`];
    const guessed = [`user_id:${uid('guess')}`, 'f'.repeat(64), `email:${uid('x')}@nowhere.example`, 'not-an-id'];
    const bodies = new Set<string>();
    const sizes = new Set<string | null>();
    for (const ref of [...refs, ...guessed]) {
      for (const suffix of ['', '/events', '/export']) {
        const res = await api(`/v1/profiles/${encodeURIComponent(ref)}${suffix}`, { key: other.secretKey });
        expect(res.status, ref + suffix).toBe(404);
        const text = await res.text();
        bodies.add(text);
        sizes.add(`${res.headers.get('content-length') ?? text.length}`);
      }
    }
    expect(bodies.size).toBe(1);
    expect(sizes.size).toBe(1);
    expect(JSON.parse([...bodies][0])).toEqual({ success: false, error: { code: 'not_found', message: 'No profile with this id.' } });
    // The owner still sees it, another tenant can neither list, export nor erase it.
    expect((await api(`/v1/profiles/user_id:${user}`)).status).toBe(200);
    const list = await apiJson<{ data: Array<{ id: string }> }>(`/v1/profiles?limit=200&q=${user}`, { key: other.secretKey });
    expect(list.body.data).toEqual([]);
    const exported = await (await api('/v1/profiles/export', { key: other.secretKey })).text();
    expect(exported).not.toContain(user);
    expect((await api(`/v1/profiles/user_id:${user}`, { key: other.secretKey, method: 'DELETE' })).status).toBe(404);
    expect((await api(`/v1/profiles/user_id:${user}`)).status).toBe(200);
  });
});

describe('authorization matrix', () => {
  const routes: Array<[string, string]> = [
    ['GET', '/v1/profiles'],
    ['GET', '/v1/profiles/export'],
    ['GET', '/v1/profiles/user_id:someone'],
    ['GET', '/v1/profiles/user_id:someone/events'],
    ['GET', '/v1/profiles/user_id:someone/export'],
    ['DELETE', '/v1/profiles/user_id:someone'],
    ['GET', '/v1/profiles/user_id:someone/erasure/er_1'],
    ['GET', '/v1/dead-letters'],
    ['GET', '/v1/ingest/stats'],
  ];
  let disabledKey: string;

  beforeAll(async () => {
    const t = await newTenant('Disabled key shop');
    const keys = (await (await SELF.fetch(`${ORIGIN}/v1/admin/tenants/${t.tenantId}/keys`, { headers: ADMIN })).json()) as { keys: Array<{ id: string; kind: string }> };
    const secret = keys.keys.find((k) => k.kind === 'secret')!;
    await SELF.fetch(`${ORIGIN}/v1/admin/keys/${secret.id}`, { method: 'PATCH', headers: ADMIN, body: JSON.stringify({ disabled: true }) });
    disabledKey = t.secretKey;
  });

  it('refuses no key (401), unknown keys (401), write keys (403) and disabled secret keys (403) on every marketer route', async () => {
    for (const [method, path] of routes) {
      const cases: Array<[Record<string, string>, number, string]> = [
        [{}, 401, 'missing_secret_key'],
        [{ authorization: 'Bearer sk_not_a_key' }, 401, 'invalid_secret_key'],
        [{ authorization: 'Bearer wk_demo' }, 403, 'write_key_not_allowed'],
        [{ authorization: basic('wk_demo') }, 401, 'missing_secret_key'],
        [{ authorization: basic('sk_demo') }, 401, 'missing_secret_key'],
        [{ authorization: `Bearer ${disabledKey}` }, 403, 'secret_key_disabled'],
      ];
      for (const [headers, status, code] of cases) {
        const res = await SELF.fetch(`${ORIGIN}${path}`, { method, headers });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(status);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
      }
    }
  });
});

describe('no CORS on the marketer API (scenario 30)', () => {
  it('never sends Access-Control-Allow-Origin, on preflights or answers', async () => {
    const paths = ['/v1/profiles', '/v1/profiles/export', '/v1/profiles/user_id:x', '/v1/profiles/user_id:x/events', '/v1/profiles/user_id:x/export', '/v1/openapi.json'];
    for (const path of paths) {
      const pre = await SELF.fetch(`${ORIGIN}${path}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      expect(pre.headers.get('access-control-allow-origin'), `OPTIONS ${path}`).toBeNull();
      expect(pre.headers.get('access-control-allow-headers'), `OPTIONS ${path}`).toBeNull();
      const res = await api(path, { headers: { origin: 'https://evil.example' } });
      expect(res.headers.get('access-control-allow-origin'), `GET ${path}`).toBeNull();
      await res.arrayBuffer();
    }
  });
});

describe('rate limit', () => {
  // The same worker with RATE_MARKETER_PER_MIN lowered, as an operator would configure it.
  const app = createApp();
  const limitedEnv = { ...env, RATE_MARKETER_PER_MIN: '5' };
  const call = (headers: Record<string, string>) =>
    app.fetch(new Request(`${ORIGIN}/v1/profiles?limit=1`, { headers }), limitedEnv, createExecutionContext());

  it('answers 429 with Retry-After once a key has used its minute; other keys are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call({ authorization: `Bearer ${SECRET_KEY}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await call({ authorization: `Bearer ${SECRET_KEY}` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    const other = await newTenant('Unthrottled');
    expect((await call({ authorization: `Bearer ${other.secretKey}` })).status).toBe(200);
  });

  it('limits key guessing and keyless requests too', async () => {
    const guesses: number[] = [];
    for (let i = 0; i < 6; i++) guesses.push((await call({ authorization: 'Bearer sk_guess', 'cf-connecting-ip': '10.99.0.1' })).status);
    expect(guesses).toEqual([401, 401, 401, 401, 401, 429]);
    const keyless: number[] = [];
    for (let i = 0; i < 6; i++) keyless.push((await call({ 'cf-connecting-ip': '10.99.0.2' })).status);
    expect(keyless).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every marketer route the worker serves', async () => {
    const res = await api('/v1/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; parameters?: Array<{ name: string }>; 'x-portrait-undescribed'?: boolean }>> };
    expect(doc.openapi).toBe('3.1.0');
    const served = createApp()
      .routes.filter((r) => r.path.startsWith('/v1/') && !r.path.includes('*') && r.path !== '/v1/:path' && !r.path.startsWith('/v1/admin') && r.method !== 'ALL' && r.method !== 'OPTIONS');
    expect(served.length).toBeGreaterThan(8);
    for (const r of served) expect(doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    const mine: Array<[string, string, string]> = [
      ['get', '/v1/profiles', 'listProfiles'], ['get', '/v1/profiles/export', 'exportProfiles'], ['get', '/v1/profiles/{id}', 'getProfile'],
      ['get', '/v1/profiles/{id}/events', 'listProfileEvents'], ['get', '/v1/profiles/{id}/export', 'exportPerson'],
      ['delete', '/v1/profiles/{id}', 'eraseProfile'], ['get', '/v1/profiles/{id}/erasure/{jobId}', 'getErasureJob'], ['post', '/v1/erase', 'eraseVisitor'],
    ];
    for (const [method, path, operationId] of mine) {
      const op = doc.paths[path][method];
      expect(op.operationId).toBe(operationId);
      expect(op['x-portrait-undescribed']).toBeUndefined();
    }
    expect(doc.paths['/v1/profiles'].get.security).toEqual([{ secretKey: [] }]);
    expect(doc.paths['/v1/profiles'].get.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['segment', 'q', 'sort', 'order', 'limit', 'cursor']));
    expect(doc.paths['/v1/erase'].post.security).toEqual([{ writeKey: [] }]);
  });
});
