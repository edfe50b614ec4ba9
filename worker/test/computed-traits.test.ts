import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getProfile, ingest, uid } from './support';
import { type Json, type Tenant, api, newTenant, until } from './tenant-support';

const DAY = 86_400_000;

const order = (userId: string, revenue: number, at: number, extra: Record<string, unknown> = {}) => ({
  type: 'track', event: 'Order Completed', userId, messageId: uid('m'), timestamp: new Date(at).toISOString(),
  properties: { order_id: uid('o'), revenue, currency: 'USD', ...extra },
});

async function computed(t: Tenant, userId: string): Promise<Record<string, unknown>> {
  const r = await getProfile(`user_id:${userId}`, t.secret);
  expect(r.status).toBe(200);
  return r.body.profile.portrait.computed;
}

const backfilled = (t: Tenant, path: string) =>
  until(`backfill of ${path}`, async () => {
    const r = await api(t, 'GET', path);
    return r.body.backfill?.status === 'done' ? r.body : undefined;
  });

describe('computed traits API', { timeout: 60_000 }, () => {
  it('creates, lists, replaces and deletes definitions; bad ones get a 400 naming the field', async () => {
    const t = await newTenant();
    const bad = await api(t, 'POST', '/v1/computed-traits', { name: 'Spend', type: 'sum', event: 'Order Completed' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_computed_trait', details: [expect.objectContaining({ path: 'property' })] });
    expect((await api(t, 'POST', '/v1/computed-traits', { name: 'x', type: 'median', event: 'E' })).body.error.message).toContain('type');
    expect((await api(t, 'POST', '/v1/computed-traits', { name: 'x', type: 'count', event: 'E', windowDays: 0 })).body.error.message).toContain('windowDays');
    expect((await api(t, 'POST', '/v1/computed-traits', { name: 'x', type: 'count', event: 'E', colour: 'red' })).body.error.message).toContain('colour');

    const created = await api(t, 'POST', '/v1/computed-traits', { name: 'Orders 30d', type: 'count', event: 'Order Completed', windowDays: 30 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'orders-30d', key: 'orders-30d', name: 'Orders 30d', type: 'count', event: 'Order Completed', windowDays: 30 });
    expect((await api(t, 'POST', '/v1/computed-traits', { name: 'Orders 30d', type: 'count', event: 'Order Completed' })).status).toBe(409);
    const replaced = await api(t, 'PUT', '/v1/computed-traits/orders-30d', { name: 'Orders 60d', key: 'orders60', type: 'count', event: 'Order Completed', windowDays: 60 });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ key: 'orders60', windowDays: 60 });
    expect((await api(t, 'GET', '/v1/computed-traits')).body.data.map((d: Json) => d.id)).toEqual(['orders-30d']);
    const clash = await api(t, 'POST', '/v1/computed-traits', { id: 'other', name: 'Other', key: 'orders60', type: 'count', event: 'Signed Up' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain('orders-30d');
    expect((await api(t, 'DELETE', '/v1/computed-traits/orders-30d')).status).toBe(200);
    expect((await api(t, 'GET', '/v1/computed-traits/orders-30d')).status).toBe(404);

    const other = await newTenant();
    await api(t, 'POST', '/v1/computed-traits', { id: 'ltv', name: 'LTV', type: 'sum', event: 'Order Completed', property: 'revenue' });
    expect((await api(other, 'GET', '/v1/computed-traits/ltv')).status).toBe(404);
    expect((await api(other, 'GET', '/v1/computed-traits')).body.data).toEqual([]);
  });

  it('computes every type over existing timelines (backfill), then keeps them current as events arrive', async () => {
    const t = await newTenant();
    const now = Date.now();
    const user = uid('buyer');
    await ingest({
      batch: [
        order(user, 10, now - 50 * DAY, { coupon: 'SPRING' }),
        order(user, 20, now - 3 * DAY, { coupon: 'VIP' }),
        order(user, 30, now - 1 * DAY, { coupon: 'VIP' }),
      ],
    }, { key: t.write });
    await until('indexed', async () => (await env.DB.prepare('SELECT count(*) AS n FROM profiles WHERE tenant_id = ?').bind(t.id).first<{ n: number }>())!.n === 1);
    const defs = [
      { id: 'orders_30d', type: 'count', windowDays: 30 },
      { id: 'revenue_total', type: 'sum', property: 'revenue' },
      { id: 'revenue_avg', type: 'avg', property: 'revenue' },
      { id: 'revenue_min', type: 'min', property: 'revenue' },
      { id: 'revenue_max_30d', type: 'max', property: 'revenue', windowDays: 30 },
      { id: 'first_coupon', type: 'first', property: 'coupon' },
      { id: 'last_coupon', type: 'last', property: 'coupon' },
      { id: 'top_coupon', type: 'most_frequent', property: 'coupon' },
      { id: 'coupons', type: 'unique', property: 'coupon' },
    ];
    for (const d of defs) expect((await api(t, 'POST', '/v1/computed-traits', { name: d.id, event: 'Order Completed', ...d })).status, d.id).toBe(201);
    for (const d of defs) await backfilled(t, `/v1/computed-traits/${d.id}`);
    expect(await computed(t, user)).toEqual({
      orders_30d: 2, revenue_total: 60, revenue_avg: 20, revenue_min: 10, revenue_max_30d: 30,
      first_coupon: 'SPRING', last_coupon: 'VIP', top_coupon: 'VIP', coupons: ['SPRING', 'VIP'],
    });

    await ingest({ batch: [order(user, 100, Date.now(), { coupon: 'SUMMER' })] }, { key: t.write });
    expect(await computed(t, user)).toMatchObject({ orders_30d: 3, revenue_total: 160, revenue_max_30d: 100, last_coupon: 'SUMMER', coupons: ['SPRING', 'SUMMER', 'VIP'] });

    // A changed window is recomputed from the timeline.
    await api(t, 'PUT', '/v1/computed-traits/orders_30d', { name: 'orders', type: 'count', event: 'Order Completed', windowDays: 60 });
    await backfilled(t, '/v1/computed-traits/orders_30d');
    expect((await computed(t, user)).orders_30d).toBe(4);
    await api(t, 'DELETE', '/v1/computed-traits/top_coupon');
    await backfilled(t, '/v1/computed-traits/orders_30d');
    expect(await computed(t, user)).not.toHaveProperty('top_coupon');
  });

  it('segments can use computed traits, with real-time entry', async () => {
    const t = await newTenant();
    await api(t, 'POST', '/v1/computed-traits', { id: 'spend_7d', name: 'Spend 7d', type: 'sum', event: 'Order Completed', property: 'revenue', windowDays: 7 });
    await api(t, 'POST', '/v1/segments', { id: 'big-week', name: 'Big week', rule: { field: 'computed.spend_7d', op: 'gte', value: 100 } });
    const user = uid('u');
    await ingest({ batch: [order(user, 60, Date.now())] }, { key: t.write });
    let p = (await getProfile(`user_id:${user}`, t.secret)).body;
    expect(p.profile.portrait.computed.spend_7d).toBe(60);
    expect(p.profile.portrait.segments).toEqual({});
    await ingest({ batch: [order(user, 50, Date.now())] }, { key: t.write });
    p = (await getProfile(`user_id:${user}`, t.secret)).body;
    expect(p.profile.portrait.computed.spend_7d).toBe(110);
    expect(Object.keys(p.profile.portrait.segments)).toEqual(['big-week']);
    expect(p.events.filter((e: Json) => e.event === 'Audience Entered').map((e: Json) => e.properties.audience_id)).toEqual(['big-week']);
  });
});
