import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ORIGIN, SECRET_KEY, WRITE_KEY, basic, ingest, track, uid } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

function api(path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? SECRET_KEY}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

function decideFor(anonymousId: string, slots: string[], extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/v1/decide`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: JSON.stringify({ writeKey: WRITE_KEY, anonymousId, slots, page: { url: 'https://shop.example/', path: '/', referrer: '' }, ...extra }),
  });
}

function campaign(slot: string, patch: Record<string, unknown> = {}) {
  return {
    name: 'Welcome back',
    slot,
    status: 'active',
    holdout: 0,
    goal: { event: 'Order Completed', windowHours: 24 },
    variants: [{ id: 'hello', content: { headline: 'Hi {{traits.firstName | default: "there"}}!', cta: { label: 'Shop now', url: '/sale' } } }],
    ...patch,
  };
}

async function create(body: unknown): Promise<any> {
  const res = await api('/v1/campaigns', { method: 'POST', body });
  expect(res.status).toBe(201);
  return res.json();
}

/** Re-reads the report until `ready` holds (ingest updates campaign counts after answering). */
async function reportWhen(id: string, ready: (r: any) => boolean): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const r: any = await (await api(`/v1/campaigns/${id}/report`)).json();
    if (ready(r)) return r;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`report for ${id} never became ready`);
}

describe('/v1/campaigns', () => {
  it('creates, lists, reads, patches and deletes a campaign', async () => {
    const slot = uid('slot').slice(0, 60);
    const created = await create(campaign(slot, { status: 'draft' }));
    expect(created).toMatchObject({ id: expect.stringMatching(/^cmp_/), slot, holdout: 0, status: 'draft', variants: [{ id: 'hello' }] });
    expect(((await (await api('/v1/campaigns')).json()) as any).data.map((c: any) => c.id)).toContain(created.id);
    const patched: any = await (await api(`/v1/campaigns/${created.id}`, { method: 'PATCH', body: { status: 'paused', priority: 5 } })).json();
    expect(patched).toMatchObject({ id: created.id, status: 'paused', priority: 5, name: 'Welcome back' });
    expect((await api(`/v1/campaigns/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/v1/campaigns/${created.id}`)).status).toBe(404);
  });

  it('refuses dangerous markup, script links and unknown placeholders when saved, naming each field (scenario 32)', async () => {
    const res = await api('/v1/campaigns', {
      method: 'POST',
      body: campaign('hero', {
        variants: [{ content: { headline: '<script>alert(1)</script>', body: 'x onerror=alert(1)', cta: { label: 'Go', url: 'javascript:alert(1)' } } }, { content: { headline: "{{constructor.constructor('alert(1)')()}}" } }],
      }),
    });
    expect(res.status).toBe(400);
    const body: any = await res.json();
    expect(body.error.code).toBe('invalid_campaign');
    expect(body.error.details.map((d: any) => d.path)).toEqual(['variants[0].content.headline', 'variants[0].content.body', 'variants[0].content.cta.url', 'variants[1].content.headline']);
    expect(((await (await api('/v1/campaigns')).json()) as any).data.filter((c: any) => c.variants.some((v: any) => v.content.headline.includes('script')))).toEqual([]);
  });

  it('checks inline audience rules with the segments validator', async () => {
    const res = await api('/v1/campaigns', { method: 'POST', body: campaign('hero', { audience: { rule: { field: 'traits.plan', op: 'nope', value: 1 } } }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.details[0].path).toBe('audience.rule');
  });

  it('answers a cross-origin preflight without Access-Control-Allow-Origin (scenario 30)', async () => {
    const res = await SELF.fetch(`${ORIGIN}/v1/campaigns`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await SELF.fetch(`${ORIGIN}/v1/campaigns`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${SECRET_KEY}` } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('needs a secret key: none is 401, a write key is 403', async () => {
    expect((await SELF.fetch(`${ORIGIN}/v1/campaigns`)).status).toBe(401);
    expect((await api('/v1/campaigns', { key: WRITE_KEY })).status).toBe(403);
  });
});

describe('POST /v1/decide', () => {
  it('answers with the resolved banner only: markup traits as text, no other profile data (scenarios 30, 31)', async () => {
    const slot = uid('hero').slice(0, 60);
    const c = await create(campaign(slot));
    const anon = uid('anon');
    const identify = { type: 'identify', messageId: uid('m'), anonymousId: anon, traits: { firstName: '<img src=x onerror=alert(1)>', email: 'secret@example.com', plan: 'pro' } };
    expect(((await ingest({ batch: [identify] })).body as any).accepted).toBe(1);
    const res = await decideFor(anon, [slot, 'nothing-here'], {}, { origin: 'https://shop.example' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      slots: {
        [slot]: { campaign: c.id, variant: 'hello', holdout: false, content: { headline: 'Hi <img src=x onerror=alert(1)>!', cta: { label: 'Shop now', url: '/sale' } } },
        'nothing-here': null,
      },
    });
    expect(text).not.toContain('secret@example.com');
    expect(text).not.toContain('pro');
  });

  it('targets a segment rule audience against the visitor\'s portrait', async () => {
    const slot = uid('rule').slice(0, 60);
    await create(campaign(slot, { audience: { rule: { field: 'traits.plan', op: 'eq', value: 'vip' } } }));
    const vip = uid('vip');
    const other = uid('other');
    await ingest({ batch: [{ type: 'identify', messageId: uid('m'), anonymousId: vip, traits: { plan: 'vip' } }, { type: 'identify', messageId: uid('m'), anonymousId: other, traits: { plan: 'free' } }] });
    expect(((await (await decideFor(vip, [slot])).json()) as any).slots[slot]).toMatchObject({ variant: 'hello' });
    expect(((await (await decideFor(other, [slot])).json()) as any).slots[slot]).toBeNull();
  });

  it('keeps holdout and variant sticky per visitor, with the holdout close to its share', async () => {
    const slot = uid('sticky').slice(0, 60);
    await create(campaign(slot, { holdout: 0.5, variants: [{ id: 'a', content: { headline: 'A' } }, { id: 'b', content: { headline: 'B' } }] }));
    let held = 0;
    for (let i = 0; i < 24; i++) {
      const anon = uid('v');
      const first = ((await (await decideFor(anon, [slot])).json()) as any).slots[slot];
      const again = ((await (await decideFor(anon, [slot])).json()) as any).slots[slot];
      expect(again).toEqual(first);
      if (first.holdout) {
        held++;
        expect(first).toEqual({ campaign: expect.any(String), variant: null, holdout: true });
      }
    }
    // Bin(24, 0.5): outside 4..20 with probability < 0.0002.
    expect(held).toBeGreaterThanOrEqual(4);
    expect(held).toBeLessThanOrEqual(20);
  }, 30_000);

  it('moves a visitor whose variant was removed to a remaining one, and keeps them there', async () => {
    const slot = uid('moved').slice(0, 60);
    const c = await create(campaign(slot, { variants: [{ id: 'old', content: { headline: 'Old' } }] }));
    const anon = uid('mover');
    expect(((await (await decideFor(anon, [slot])).json()) as any).slots[slot].variant).toBe('old');
    expect((await api(`/v1/campaigns/${c.id}`, { method: 'PATCH', body: { variants: [{ id: 'new', content: { headline: 'New' } }, { id: 'newer', content: { headline: 'Newer' } }] } })).status).toBe(200);
    const first = ((await (await decideFor(anon, [slot])).json()) as any).slots[slot].variant;
    expect(['new', 'newer']).toContain(first);
    for (let i = 0; i < 5; i++) expect(((await (await decideFor(anon, [slot])).json()) as any).slots[slot].variant).toBe(first);
  });

  it('refuses a secret key, an unknown key and a malformed body', async () => {
    expect((await decideFor(uid('a'), ['hero'], { writeKey: SECRET_KEY })).status).toBe(403);
    expect((await decideFor(uid('a'), ['hero'], { writeKey: 'wk_nope' })).status).toBe(401);
    const bad = await SELF.fetch(`${ORIGIN}/v1/decide`, { method: 'POST', headers: { authorization: basic(WRITE_KEY) }, body: JSON.stringify({ slots: ['hero'] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toMatch(/anonymousId/);
  });

  it('counts views, clicks and goal conversions from ingested events into the report', async () => {
    const slot = uid('report').slice(0, 60);
    const c = await create(campaign(slot));
    const anon = uid('buyer');
    const d: any = await (await decideFor(anon, [slot])).json();
    expect(d.slots[slot].variant).toBe('hello');
    const props = { promotion_id: c.id, creative: 'hello', position: slot, campaign_id: c.id, variant_id: 'hello', holdout: false };
    const t0 = Date.now();
    await ingest({
      batch: [
        track(anon, { event: 'Promotion Viewed', properties: props, timestamp: new Date(t0).toISOString() }),
        track(anon, { event: 'Promotion Clicked', properties: props, timestamp: new Date(t0 + 1000).toISOString() }),
        track(anon, { event: 'Order Completed', properties: { order_id: uid('o'), total: 20 }, timestamp: new Date(t0 + 2000).toISOString() }),
      ],
    });
    const report = await reportWhen(c.id, (r) => r.arms[0].conversions === 1);
    expect(report.arms[0]).toMatchObject({ arm: 'hello', impressions: 1, clicks: 1, conversions: 1, conversionRate: 1 });
    expect(report.arms[1]).toMatchObject({ arm: 'holdout', holdout: true, impressions: 0 });
    expect(report.allocation).toHaveLength(1);
    expect(report.method.uplift).toMatch(/Newcombe/);
  });

  it('counts a goal reached in a later batch of its own (no promotion event in it)', async () => {
    // A batch first, while the campaign does not exist yet: the isolate may then know the tenant's campaigns.
    const anon = uid('later');
    await ingest({ batch: [track(anon, { event: 'Product Viewed' })] });
    const slot = uid('later').slice(0, 60);
    const c = await create(campaign(slot));
    const d: any = await (await decideFor(anon, [slot])).json();
    expect(d.slots[slot].variant).toBe('hello');
    const props = { promotion_id: c.id, creative: 'hello', position: slot, campaign_id: c.id, variant_id: 'hello', holdout: false };
    const t0 = Date.now();
    // A view and another event: the isolate now knows the tenant's campaigns, the new one included.
    await ingest({ batch: [track(anon, { event: 'Promotion Viewed', properties: props, timestamp: new Date(t0).toISOString() }), track(anon, { event: 'Product Viewed' })] });
    await reportWhen(c.id, (r) => r.arms[0].impressions === 1);
    await ingest({ batch: [track(anon, { event: 'Order Completed', properties: { order_id: uid('o'), total: 20 }, timestamp: new Date(t0 + 2000).toISOString() })] });
    const report = await reportWhen(c.id, (r) => r.arms[0].conversions === 1);
    expect(report.arms[0]).toMatchObject({ impressions: 1, conversions: 1 });
  });
});
