import { SELF, env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { ORIGIN, getProfile, ingest, uid } from './support';
import { type Json, type Tenant, api, newTenant, until } from './tenant-support';

const DAY = 86_400_000;

function send(t: Tenant, events: Array<Record<string, unknown>>) {
  return ingest({ batch: events.map((e) => ({ messageId: uid('msg'), timestamp: new Date().toISOString(), ...e })) }, { key: t.write });
}

const identify = (userId: string, traits: Record<string, unknown>, at = Date.now()) => ({ type: 'identify', userId, traits, timestamp: new Date(at).toISOString() });
const order = (userId: string, revenue: number, at = Date.now()) => ({
  type: 'track', event: 'Order Completed', userId, timestamp: new Date(at).toISOString(), properties: { order_id: uid('o'), revenue, currency: 'USD' },
});

async function profileOf(t: Tenant, userId: string): Promise<{ profile: Json; events: Json[] }> {
  const r = await getProfile(`user_id:${userId}`, t.secret);
  expect(r.status).toBe(200);
  return r.body;
}

/** Waits until the D1 index lists `n` profiles for the tenant (the backfill pages through it). */
async function indexed(t: Tenant, n: number): Promise<void> {
  await until(`${n} profiles indexed`, async () => {
    const row = await env.DB.prepare('SELECT count(*) AS n FROM profiles WHERE tenant_id = ?').bind(t.id).first<{ n: number }>();
    return (row?.n ?? 0) >= n;
  });
}

async function backfilled(t: Tenant, path: string): Promise<Json> {
  return until(`backfill of ${path}`, async () => {
    const r = await api(t, 'GET', path);
    return r.body.backfill?.status === 'done' ? r.body : undefined;
  });
}

async function memberIds(t: Tenant, segmentId: string): Promise<string[]> {
  const r = await api(t, 'GET', `/v1/segments/${segmentId}/profiles?limit=500`);
  expect(r.status).toBe(200);
  return r.body.data.map((p: Json) => p.userId).sort();
}

const audienceEvents = (events: Json[], segmentId: string) =>
  events.filter((e) => (e.event === 'Audience Entered' || e.event === 'Audience Exited') && e.properties.audience_id === segmentId).map((e) => e.event).reverse();

describe("segments API", { timeout: 60_000 }, () => {
  it('creates, lists, reads, updates and deletes segments; bad rules get a 400 naming the path', async () => {
    const t = await newTenant();
    const bad = await api(t, 'POST', '/v1/segments', { name: 'Broken', rule: { all: [{ field: 'traits.plan', op: 'eq', value: 'pro' }, { field: 'commerce.revenue', op: 'greater', value: 5 }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_segment');
    expect(bad.body.error.message).toContain('rule.all[1].op');
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'rule.all[1].op' })]);
    expect((await api(t, 'POST', '/v1/segments', { rule: { field: 'traits.plan', op: 'exists' } })).body.error.message).toContain('name');
    expect((await api(t, 'POST', '/v1/segments', '{"name":')).status).toBe(400);
    expect((await api(t, 'GET', '/v1/segments')).body).toEqual({ data: [] });

    const rule = { field: 'traits.plan', op: 'eq', value: 'pro' };
    const created = await api(t, 'POST', '/v1/segments', { name: 'Pro plan', rule });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'pro-plan', name: 'Pro plan', rule, count: 0 });
    expect(['pending', 'running', 'done']).toContain(created.body.backfill.status);
    expect((await api(t, 'POST', '/v1/segments', { name: 'Pro plan', rule })).status).toBe(409);

    const list = await api(t, 'GET', '/v1/segments');
    expect(list.body.data).toEqual([expect.objectContaining({ id: 'pro-plan', name: 'Pro plan', rule, count: 0 })]);
    const patched = await api(t, 'PATCH', '/v1/segments/pro-plan', { name: 'Pro customers' });
    expect(patched.body).toMatchObject({ id: 'pro-plan', name: 'Pro customers', rule });
    expect(patched.body.version).toBeGreaterThan(created.body.version);
    const badPatch = await api(t, 'PATCH', '/v1/segments/pro-plan', { rule: { any: [] } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error.message).toContain('rule.any');
    const put = await api(t, 'PUT', '/v1/segments/big-spenders', { name: 'Big spenders', rule: { field: 'commerce.revenue', op: 'gte', value: 500 } });
    expect(put.status).toBe(201);
    expect((await api(t, 'PUT', '/v1/segments/big-spenders', { name: 'Big spenders', rule: { field: 'commerce.revenue', op: 'gte', value: 900 } })).status).toBe(200);
    expect((await api(t, 'GET', '/v1/segments/big-spenders')).body.rule.value).toBe(900);

    expect((await api(t, 'DELETE', '/v1/segments/pro-plan')).body).toEqual({ id: 'pro-plan', deleted: true });
    expect((await api(t, 'GET', '/v1/segments/pro-plan')).status).toBe(404);
    expect((await api(t, 'DELETE', '/v1/segments/pro-plan')).status).toBe(404);
    expect((await api(t, 'GET', '/v1/segments')).body.data.map((s: Json) => s.id)).toEqual(['big-spenders']);
    expect((await SELF.fetch(`${ORIGIN}/v1/segments`)).status).toBe(401);
    const doc = (await (await SELF.fetch(`${ORIGIN}/v1/openapi.json`)).json()) as Json;
    expect(doc.paths['/v1/segments'].post.operationId).toBe('createSegment');
    expect(doc.paths['/v1/segments/{id}'].patch.operationId).toBe('updateSegment');
    expect(doc.paths['/v1/segments/{id}/profiles'].get.operationId).toBe('listSegmentProfiles');
    expect(doc.paths['/v1/computed-traits/{id}'].put.operationId).toBe('replaceComputedTrait');
  });

  it('every operator works end to end: backfilled members, counts and member lists', async () => {
    const t = await newTenant();
    const now = Date.now();
    await send(t, [
      identify('ada', { email: 'ada@example.com', plan: 'pro', age: 36, signup: new Date(now - 2 * DAY).toISOString() }),
      order('ada', 120),
      identify('bob', { email: 'bob@other.org', plan: 'free', age: 50, phone: '+33 1 00', signup: new Date(now - 90 * DAY).toISOString() }, now - 10 * DAY),
    ]);
    await indexed(t, 2);
    const rules: Record<string, unknown> = {
      eq: { field: 'traits.plan', op: 'eq', value: 'pro' },
      neq: { field: 'traits.plan', op: 'neq', value: 'free' },
      gt: { field: 'commerce.revenue', op: 'gt', value: 100 },
      gte: { field: 'commerce.orders', op: 'gte', value: 1 },
      lt: { field: 'traits.age', op: 'lt', value: 40 },
      lte: { field: 'traits.age', op: 'lte', value: 36 },
      contains: { field: 'traits.email', op: 'contains', value: 'example' },
      starts_with: { field: 'traits.email', op: 'starts_with', value: 'ADA@' },
      exists: { field: 'traits.phone', op: 'exists', value: false },
      in: { field: 'traits.plan', op: 'in', value: ['pro', 'team'] },
      between: { field: 'traits.age', op: 'between', value: [30, 40] },
      within_last_days: { field: 'traits.signup', op: 'within_last_days', value: 7 },
      any: { any: [{ field: 'traits.plan', op: 'eq', value: 'enterprise' }, { field: 'traits.email', op: 'contains', value: 'ada' }] },
      not: { not: { field: 'traits.plan', op: 'eq', value: 'free' } },
      all: { all: [{ field: 'traits.age', op: 'gt', value: 18 }, { field: 'behavior.lastSeen', op: 'within_last_days', value: 1 }] },
    };
    for (const [op, rule] of Object.entries(rules)) {
      expect((await api(t, 'PUT', `/v1/segments/op-${op}`, { name: `Operator ${op}`, rule })).status, op).toBe(201);
    }
    for (const op of Object.keys(rules)) {
      const s = await backfilled(t, `/v1/segments/op-${op}`);
      expect(s.backfill.processed, op).toBe(2);
      expect(await memberIds(t, `op-${op}`), op).toEqual(['ada']);
      expect(s.count, op).toBe(1);
    }
    const list = await api(t, 'GET', '/v1/segments');
    expect(list.body.data.map((s: Json) => [s.id, s.count])).toEqual(Object.keys(rules).map((op) => [`op-${op}`, 1]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    const ada = await profileOf(t, 'ada');
    expect(Object.keys(ada.profile.portrait.segments).sort()).toEqual(Object.keys(rules).map((op) => `op-${op}`).sort());
    expect((await profileOf(t, 'bob')).profile.portrait.segments).toEqual({});
  });

  it('enters and leaves a segment in real time, writing Audience Entered / Exited to the timeline', async () => {
    const t = await newTenant();
    const s = await api(t, 'POST', '/v1/segments', { id: 'pros', name: 'Pros', rule: { field: 'traits.plan', op: 'eq', value: 'pro' } });
    expect(s.status).toBe(201);
    const user = uid('u');
    await send(t, [identify(user, { plan: 'pro' })]);
    let p = await profileOf(t, user);
    expect(Object.keys(p.profile.portrait.segments)).toEqual(['pros']);
    expect(audienceEvents(p.events, 'pros')).toEqual(['Audience Entered']);
    const entered = p.events.find((e: Json) => e.event === 'Audience Entered');
    expect(entered).toMatchObject({ type: 'track', userId: user, properties: { audience_id: 'pros', audience_name: 'Pros' } });
    await until('count 1', async () => (await api(t, 'GET', '/v1/segments/pros')).body.count === 1);

    await send(t, [{ type: 'track', event: 'Page Scrolled', userId: user }]);
    expect(audienceEvents((await profileOf(t, user)).events, 'pros')).toEqual(['Audience Entered']);

    await send(t, [identify(user, { plan: 'free' })]);
    p = await profileOf(t, user);
    expect(p.profile.portrait.segments).toEqual({});
    expect(audienceEvents(p.events, 'pros')).toEqual(['Audience Entered', 'Audience Exited']);
    await until('count 0', async () => (await api(t, 'GET', '/v1/segments/pros')).body.count === 0);
    // Audience events stay out of the portrait's own counters.
    expect(p.profile.portrait.events['Audience Entered']).toBeUndefined();
  });

  it('applies an event stored with segments defined as a replay would: an audience event stays out of the portrait', async () => {
    const t = await newTenant();
    expect((await api(t, 'POST', '/v1/segments', { id: 'pros', name: 'Pros', rule: { field: 'traits.plan', op: 'eq', value: 'pro' } })).status).toBe(201);
    const user = uid('u');
    await send(t, [{ type: 'track', event: 'Audience Entered', userId: user, messageId: `audience:${user}`, properties: { audience_id: 'x' } }]);
    const p = await profileOf(t, user);
    expect(p.events.map((e: Json) => e.event)).toEqual(['Audience Entered']);
    expect(p.profile.portrait.events['Audience Entered']).toBeUndefined();
  });

  it('"Order Completed at least 2 times in the last 30 days": backfilled, then entered in real time', async () => {
    const t = await newTenant();
    const now = Date.now();
    await send(t, [
      order('two-recent', 10, now - 1 * DAY), order('two-recent', 20, now - 5 * DAY),
      order('one-old', 10, now - 2 * DAY), order('one-old', 10, now - 40 * DAY),
      order('one', 15, now - 3 * DAY),
    ]);
    await indexed(t, 3);
    const rule = { event: 'Order Completed', op: 'gte', value: 2, withinDays: 30 };
    expect((await api(t, 'POST', '/v1/segments', { id: 'repeat', name: 'Repeat buyers', rule })).status).toBe(201);
    const s = await backfilled(t, '/v1/segments/repeat');
    expect(s.backfill).toMatchObject({ processed: 3, total: 3, changed: 1 });
    expect(await memberIds(t, 'repeat')).toEqual(['two-recent']);
    expect(audienceEvents((await profileOf(t, 'two-recent')).events, 'repeat')).toEqual(['Audience Entered']);
    expect(audienceEvents((await profileOf(t, 'one-old')).events, 'repeat')).toEqual([]);

    await send(t, [order('one', 30)]);
    expect(audienceEvents((await profileOf(t, 'one')).events, 'repeat')).toEqual(['Audience Entered']);
    await until('two members', async () => (await memberIds(t, 'repeat')).join() === 'one,two-recent');
  });

  it('backfills a changed rule and a deleted segment over existing profiles (exits included)', async () => {
    const t = await newTenant();
    await send(t, [order('small', 20), order('large', 500), order('large', 400)]);
    await indexed(t, 2);
    await api(t, 'POST', '/v1/segments', { id: 'spenders', name: 'Spenders', rule: { field: 'commerce.revenue', op: 'gte', value: 10 } });
    expect((await backfilled(t, '/v1/segments/spenders')).count).toBe(2);
    await api(t, 'PATCH', '/v1/segments/spenders', { rule: { field: 'commerce.revenue', op: 'gte', value: 100 } });
    const changed = await backfilled(t, '/v1/segments/spenders');
    expect(changed.count).toBe(1);
    expect(await memberIds(t, 'spenders')).toEqual(['large']);
    expect(audienceEvents((await profileOf(t, 'small')).events, 'spenders')).toEqual(['Audience Entered', 'Audience Exited']);

    expect((await api(t, 'DELETE', '/v1/segments/spenders')).status).toBe(200);
    await until('exit after delete', async () => audienceEvents((await profileOf(t, 'large')).events, 'spenders').length === 2);
    expect(audienceEvents((await profileOf(t, 'large')).events, 'spenders')).toEqual(['Audience Entered', 'Audience Exited']);
    expect((await profileOf(t, 'large')).profile.portrait.segments).toEqual({});
  });

  it('keeps segments apart per tenant', async () => {
    const a = await newTenant();
    const b = await newTenant();
    await send(a, [identify('shared-name', { plan: 'pro' })]);
    await send(b, [identify('shared-name', { plan: 'pro' })]);
    await indexed(a, 1);
    await indexed(b, 1);
    await api(a, 'POST', '/v1/segments', { id: 'pros', name: 'A pros', rule: { field: 'traits.plan', op: 'eq', value: 'pro' } });
    await backfilled(a, '/v1/segments/pros');
    const missing = await api(b, 'GET', '/v1/segments/pros');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ success: false, error: { code: 'not_found', message: 'No segment with this id.' } });
    expect((await api(b, 'GET', '/v1/segments/pros/profiles')).status).toBe(404);
    expect((await api(b, 'DELETE', '/v1/segments/pros')).status).toBe(404);
    expect((await api(b, 'PATCH', '/v1/segments/pros', { name: 'x' })).status).toBe(404);
    expect((await api(b, 'GET', '/v1/segments')).body.data).toEqual([]);
    // B's profile with the same traits is not in A's segment, and B's own segment of the same id is separate.
    expect((await profileOf(b, 'shared-name')).profile.portrait.segments).toEqual({});
    await api(b, 'POST', '/v1/segments', { id: 'pros', name: 'B pros', rule: { field: 'traits.plan', op: 'eq', value: 'free' } });
    await backfilled(b, '/v1/segments/pros');
    expect(await memberIds(b, 'pros')).toEqual([]);
    expect(await memberIds(a, 'pros')).toEqual(['shared-name']);
    expect((await api(a, 'GET', '/v1/segments/pros')).body.name).toBe('A pros');
  });

  it('pages members with a cursor', async () => {
    const t = await newTenant();
    const now = Date.now();
    await send(t, Array.from({ length: 5 }, (_, i) => identify(`m${i}`, { vip: true }, now - i * 1000)));
    await indexed(t, 5);
    await api(t, 'POST', '/v1/segments', { id: 'vip', name: 'VIP', rule: { field: 'traits.vip', op: 'eq', value: true } });
    await backfilled(t, '/v1/segments/vip');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await api(t, 'GET', `/v1/segments/vip/profiles?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.body.data.length).toBeLessThanOrEqual(2);
      for (const row of r.body.data) expect(Object.keys(row)).toEqual(expect.arrayContaining(['id', 'userId', 'email', 'name', 'lastSeen', 'orders', 'revenue', 'rfmSegment']));
      seen.push(...r.body.data.map((x: Json) => x.userId));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect((await api(t, 'GET', '/v1/segments/vip/profiles?cursor=garbage')).status).toBe(400);
  });

  it('re-evaluates once a day, so a time window ends membership without new events', async () => {
    const t = await newTenant();
    const now = Date.now();
    await send(t, [order('lapsing', 25, now - 20 * DAY)]);
    await indexed(t, 1);
    await api(t, 'POST', '/v1/segments', { id: 'recent', name: 'Bought in 30 days', rule: { event: 'Order Completed', withinDays: 30 } });
    await backfilled(t, '/v1/segments/recent');
    expect(await memberIds(t, 'recent')).toEqual(['lapsing']);
    const stub = env.BACKFILL.get(env.BACKFILL.idFromName(t.id));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(now + 15 * DAY);
      expect(await runDurableObjectAlarm(stub)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    expect(await memberIds(t, 'recent')).toEqual([]);
    expect(audienceEvents((await profileOf(t, 'lapsing')).events, 'recent')).toEqual(['Audience Entered', 'Audience Exited']);
  });

  it('an anonymous member merged into a user keeps the membership once (no second Audience Entered)', async () => {
    const t = await newTenant();
    await api(t, 'POST', '/v1/segments', { id: 'pros', name: 'Pros', rule: { field: 'traits.plan', op: 'eq', value: 'pro' } });
    const anon = uid('anon');
    const user = uid('user');
    await send(t, [{ type: 'identify', anonymousId: anon, traits: { plan: 'pro' } }]);
    const before = await getProfile(`anonymous_id:${anon}`, t.secret);
    expect(Object.keys(before.body.profile.portrait.segments)).toEqual(['pros']);
    await send(t, [{ type: 'identify', userId: user, anonymousId: anon }]);
    const merged = await until('merged profile re-evaluated', async () => {
      const p = await profileOf(t, user);
      return p.profile.portrait.traits.all.plan?.value === 'pro' && p.profile.mergeLog.length > 0 ? p : undefined;
    });
    expect(Object.keys(merged.profile.portrait.segments)).toEqual(['pros']);
    await until('one member', async () => (await memberIds(t, 'pros')).join() === user);
    expect(audienceEvents((await profileOf(t, user)).events, 'pros')).toEqual(['Audience Entered']);
  });

  it('an older backfill pass never undoes newer definitions (a deleted segment is not re-entered)', async () => {
    const t = await newTenant();
    const rule = { field: 'traits.plan', op: 'eq', value: 'pro' } as const;
    const created = await api(t, 'POST', '/v1/segments', { id: 'pros', name: 'Pros', rule });
    const user = uid('u');
    await send(t, [identify(user, { plan: 'pro' })]);
    expect(Object.keys((await profileOf(t, user)).profile.portrait.segments)).toEqual(['pros']);
    await api(t, 'DELETE', '/v1/segments/pros');
    await send(t, [{ type: 'track', event: 'Page Scrolled', userId: user }]);
    const p = await profileOf(t, user);
    expect(p.profile.portrait.segments).toEqual({});
    const stub = env.PROFILES.get(env.PROFILES.idFromString(p.profile.profileId));
    const stale = await stub.applyDefinitions(t.id, { version: created.body.version, segments: [{ id: 'pros', name: 'Pros', rule }], computedTraits: [] });
    expect(stale).toEqual({ status: 'ok', memberships: {}, changed: false });
    expect(audienceEvents((await profileOf(t, user)).events, 'pros')).toEqual(['Audience Entered', 'Audience Exited']);
  });
});
