import { SELF, createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { readTenantRfm, refreshRfmIfDue } from '../src/storage/rfm-insights';
import { ORIGIN, getProfile, ingest, uid } from './support';
import { type Json, type Tenant, api, newTenant, until } from './tenant-support';

const DAY = 86_400_000;

/**
 * `n` customers, customer i spending 5 * (i + 1) over 1-3 orders in the last days: small
 * enough that the built-in cut points (m = 5 above 1000) would give nobody m = 5.
 */
async function shop(t: Tenant, n: number): Promise<string[]> {
  const now = Date.now();
  const users = Array.from({ length: n }, (_, i) => uid(`buyer${i}`));
  const batch: unknown[] = [];
  users.forEach((userId, i) => {
    const orders = 1 + (i % 3);
    for (let k = 0; k < orders; k++) {
      batch.push({
        type: 'track', event: 'Order Completed', userId, messageId: uid('m'), timestamp: new Date(now - ((i % 5) + k) * DAY - 60_000).toISOString(),
        properties: { order_id: uid('o'), revenue: k === 0 ? 5 * (i + 1) - (orders - 1) : 1, currency: 'USD' },
      });
    }
  });
  const r = await ingest({ batch }, { key: t.write });
  expect(r.status).toBe(200);
  // Each profile object writes its row (with the last order) to the index from its alarm.
  await until('the index rows of every buyer', async () => {
    const row = await env.DB.prepare('SELECT count(*) AS n FROM profiles WHERE tenant_id = ? AND orders > 0 AND last_order_at IS NOT NULL')
      .bind(t.id).first<{ n: number }>();
    return row?.n === n;
  });
  return users;
}

const rfmOf = async (t: Tenant, userId: string): Promise<Json> => {
  const r = await getProfile(`user_id:${userId}`, t.secret);
  expect(r.status).toBe(200);
  return r.body.profile.portrait.rfm;
};

describe('tenant RFM cut points', { timeout: 60_000 }, () => {
  it('are computed from the profile index on refresh, and portraits score against them', async () => {
    const t = await newTenant();
    expect((await SELF.fetch(`${ORIGIN}/v1/insights/rfm`)).status).toBe(401);
    expect((await api(t, 'GET', '/v1/insights/rfm')).body).toMatchObject({ source: 'default', customers: 0, computedAt: null, cutPoints: { monetary: [50, 150, 400, 1000] } });

    const users = await shop(t, 25);
    const top = users[24];
    const bottom = users[0];

    const refreshed = await api(t, 'POST', '/v1/insights/rfm/refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ source: 'tenant', customers: 25, buyers: 25 });
    // Spends are 5, 10, ..., 125: the quintiles fall between them.
    expect(refreshed.body.cutPoints.monetary).toEqual([29, 53, 77, 101]);
    expect((await api(t, 'GET', '/v1/insights/rfm')).body).toEqual({ ...refreshed.body, buyers: undefined });

    const topRfm = await until('the top spender scored on tenant cut points', async () => {
      const rfm = await rfmOf(t, top);
      return rfm.cutPoints === 'tenant' ? rfm : undefined;
    });
    expect(topRfm).toMatchObject({ monetary: 125, m: 5, cutPoints: 'tenant' });
    expect(await rfmOf(t, bottom)).toMatchObject({ monetary: 5, m: 1, cutPoints: 'tenant' });

    // The list column follows the new cut points at once, as the portrait does.
    const row = await env.DB.prepare('SELECT rfm_segment FROM profiles WHERE tenant_id = ? AND user_id = ?').bind(t.id, top).first<{ rfm_segment: string }>();
    expect(row?.rfm_segment).toBe(topRfm.segment);
    expect(topRfm.segment).not.toBe('New'); // what the built-in cut points make of a recent one-order buyer
  });

  it('are recomputed for every tenant by the cron trigger; a tenant with too few buyers keeps the defaults', async () => {
    const big = await newTenant();
    const small = await newTenant();
    await shop(big, 12);
    await shop(small, 3);

    const scheduledTime = Date.now() + 3_600_000;
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime, cron: '*/30 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect((await api(big, 'GET', '/v1/insights/rfm')).body).toMatchObject({ source: 'tenant', customers: 12, computedAt: new Date(scheduledTime).toISOString() });
    expect((await api(small, 'GET', '/v1/insights/rfm')).body).toMatchObject({ source: 'default', customers: 0, computedAt: null });
  });

  it('are computed lazily once a tenant without them has enough buyers (no cron under wrangler dev)', async () => {
    const t = await newTenant();
    await shop(t, 12);
    // Two minutes on: past any check this isolate's profile objects made while the index was empty.
    const at = Date.now() + 120_000;
    const first = await refreshRfmIfDue(env.DB, t.id, null, at);
    expect(first).toMatchObject({ computedAt: at, cutPoints: { customers: 12 } });
    expect(await readTenantRfm(env.DB, t.id)).toEqual(first);
    // At most one check per tenant a minute, and fresh cut points are not recomputed.
    expect(await refreshRfmIfDue(env.DB, t.id, null, at + 1_000)).toBeNull();
    expect(await refreshRfmIfDue(env.DB, t.id, first, at + 120_000)).toBeNull();
  });
});
