import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiJson, api, indexNow, newTenant, profileId, seedIndex, type SeedRow } from './marketer-support';
import { ingest, uid } from './support';

type Item = { id: string; userId: string | null; email: string | null; name: string | null; lastSeen: string | null; orders: number; revenue: number; rfmSegment: string | null };
type Page = { data: Item[]; nextCursor: string | null };

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');

/** 60 synthetic index rows with distinct revenue/orders and some ties, for sort/filter/cursor checks. */
function rows(): SeedRow[] {
  return Array.from({ length: 60 }, (_, i) => ({
    id: `p${String(i).padStart(3, '0')}`,
    name: i % 10 === 0 ? `Ada Lovelace ${i}` : `Customer ${i}`,
    email: `c${i}@${i % 2 ? 'odd' : 'even'}.example`,
    orders: i % 7,
    revenue: i % 5 === 0 ? 100 : i * 3.5,
    lastSeen: T0 + (i % 20) * DAY,
    rfmSegment: i % 3 === 0 ? 'Champions' : 'At Risk',
    country: i % 4 === 0 ? 'DE' : 'FR',
    traits: { plan: i % 2 ? 'pro' : 'free', vip: i % 9 === 0 },
  }));
}

async function allPages(tenantKey: string, query: string, limit: number): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const r: { status: number; body: Page } = await apiJson<Page>(`/v1/profiles?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: tenantKey });
    expect(r.status).toBe(200);
    out.push(...r.body.data);
    cursor = r.body.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('pagination did not end');
}

describe('GET /v1/profiles (list over the D1 index)', () => {
  let t: { tenantId: string; secretKey: string };
  const seeded = rows();

  beforeAll(async () => {
    t = await newTenant('List shop');
    await seedIndex(t.tenantId, seeded);
  });

  it('sorts by last seen, revenue or orders in both directions, ties broken by id, across cursor pages', async () => {
    const cases: Array<[string, (r: SeedRow) => number]> = [['last_seen', (r) => r.lastSeen], ['revenue', (r) => r.revenue], ['orders', (r) => r.orders]];
    for (const [sort, value] of cases) {
      for (const order of ['asc', 'desc'] as const) {
        const got = await allPages(t.secretKey, `sort=${sort}&order=${order}`, 7);
        const sign = order === 'asc' ? 1 : -1;
        const expected = [...seeded].sort((a, b) => sign * (value(a) - value(b)) || sign * a.id.localeCompare(b.id)).map((r) => r.id);
        expect(got.map((r) => r.id), `${sort} ${order}`).toEqual(expected);
      }
    }
  });

  it('answers the dashboard shape', async () => {
    const r = await apiJson<Page>('/v1/profiles?sort=revenue&limit=1', { key: t.secretKey });
    expect(r.body.data[0]).toMatchObject({ id: 'p059', userId: 'p059', email: 'c59@odd.example', name: 'Customer 59', orders: 59 % 7, revenue: 59 * 3.5, rfmSegment: 'At Risk', lastSeen: new Date(T0 + 19 * DAY).toISOString() });
    expect(typeof r.body.nextCursor).toBe('string');
  });

  it('filters on indexed columns and traits, and combines filters with AND', async () => {
    const ids = async (q: string) => (await allPages(t.secretKey, q, 200)).map((r) => r.id).sort();
    const expect_ = (pred: (r: SeedRow) => boolean) => seeded.filter(pred).map((r) => r.id).sort();
    expect(await ids('q=lovelace')).toEqual(expect_((r) => r.name!.includes('Ada')));
    expect(await ids('q=ODD.example')).toEqual(expect_((r) => r.email!.includes('odd')));
    expect(await ids('email=C7@ODD.EXAMPLE')).toEqual(['p007']);
    expect(await ids('rfm_segment=Champions&country=DE')).toEqual(expect_((r) => r.rfmSegment === 'Champions' && r.country === 'DE'));
    expect(await ids('min_orders=3&max_orders=4')).toEqual(expect_((r) => r.orders >= 3 && r.orders <= 4));
    expect(await ids('min_revenue=100&max_revenue=150')).toEqual(expect_((r) => r.revenue >= 100 && r.revenue <= 150));
    const after = new Date(T0 + 15 * DAY).toISOString();
    expect(await ids(`seen_after=${after}`)).toEqual(expect_((r) => r.lastSeen >= T0 + 15 * DAY));
    expect(await ids(`seen_before=${T0 + 2 * DAY}`)).toEqual(expect_((r) => r.lastSeen < T0 + 2 * DAY));
    expect(await ids('trait.plan=pro&trait.vip=true')).toEqual(expect_((r) => r.traits!.plan === 'pro' && r.traits!.vip === true));
    expect(await ids('q=%25')).toEqual([]); // a literal % matches nothing, it is not a wildcard
  });

  it('keeps pages stable when profiles arrive between pages', async () => {
    const first = await apiJson<Page>('/v1/profiles?sort=revenue&order=desc&limit=10', { key: t.secretKey });
    // One new profile sorts before the cursor, one after it.
    await seedIndex(t.tenantId, [
      { id: 'new-top', orders: 1, revenue: 10_000, lastSeen: T0 },
      { id: 'new-low', orders: 1, revenue: 0.5, lastSeen: T0 },
    ]);
    const rest: Item[] = [];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const r: { body: Page } = await apiJson<Page>(`/v1/profiles?sort=revenue&order=desc&limit=10&cursor=${encodeURIComponent(cursor)}`, { key: t.secretKey });
      rest.push(...r.body.data);
      cursor = r.body.nextCursor;
    }
    const seen = [...first.body.data, ...rest].map((r) => r.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain('new-top');
    expect(seen).toContain('new-low');
    for (const r of seeded) expect(seen).toContain(r.id);
  });

  it('says what is wrong with bad parameters and cursors', async () => {
    const bad = ['sort=name', 'order=up', 'limit=0', 'limit=201', 'min_orders=lots', 'seen_after=yesterday', 'cursor=garbage'];
    for (const q of bad) {
      const r = await apiJson(`/v1/profiles?${q}`, { key: t.secretKey });
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toMatch(/invalid_(parameter|cursor)/);
    }
    const page = await apiJson<Page>('/v1/profiles?sort=orders&limit=2', { key: t.secretKey });
    const mixed = await apiJson(`/v1/profiles?sort=revenue&limit=2&cursor=${page.body.nextCursor}`, { key: t.secretKey });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.code).toBe('invalid_cursor');
  });

  it('filters by segment membership, and an unknown segment is a 404', async () => {
    const now = Date.now();
    await env.DB.prepare('INSERT INTO segments (tenant_id, id, name, rule, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind(t.tenantId, 'big', 'Big spenders', JSON.stringify({ field: 'commerce.revenue', op: 'gte', value: 100 }), now, now, 1).run();
    for (const id of ['p010', 'p020', 'p030']) {
      await env.DB.prepare('INSERT INTO segment_members (tenant_id, segment_id, profile_id, entered_at) VALUES (?, ?, ?, ?)').bind(t.tenantId, 'big', id, now).run();
    }
    expect((await allPages(t.secretKey, 'segment=big', 2)).map((r) => r.id).sort()).toEqual(['p010', 'p020', 'p030']);
    expect((await apiJson('/v1/profiles?segment=nope', { key: t.secretKey })).status).toBe(404);
  });
});

describe('index filled from the profile objects', () => {
  it('lists a profile by name and email after its alarm ran, and GET /v1/profiles/email:... finds it', async () => {
    const user = uid('user');
    const email = `${user}@Example.com`;
    const r = await ingest({
      batch: [
        { type: 'identify', userId: user, messageId: uid(), traits: { firstName: 'Grace', lastName: 'Hopper', email } },
        { type: 'track', userId: user, messageId: uid(), event: 'Order Completed', properties: { order_id: uid('o'), revenue: 42.5, currency: 'USD', products: [{ product_id: 'p1', price: 42.5, quantity: 1 }] } },
      ],
    });
    expect(r.body.accepted).toBe(2);
    await indexNow('demo', [`user:${user}`]);
    const list = await apiJson<Page>(`/v1/profiles?q=${encodeURIComponent(user.toLowerCase())}`);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ id: profileId('demo', `user:${user}`), userId: user, email: email.toLowerCase(), name: 'Grace Hopper', orders: 1, revenue: 42.5 });
    const byEmail = await apiJson(`/v1/profiles/${encodeURIComponent(`email:${email.toUpperCase()}`)}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.profile.profileKey).toBe(`user:${user}`);
  });
});

describe('GET /v1/profiles/:id/events', () => {
  const anon = uid('anon');
  const at = (d: number) => new Date(T0 + d * DAY).toISOString();
  const batch = [
    { type: 'page', name: 'Home', timestamp: at(0) },
    { type: 'track', event: 'Product Viewed', timestamp: at(1) },
    { type: 'track', event: 'Order Completed', timestamp: at(2), properties: { order_id: 'o1', revenue: 10 } },
    { type: 'page', name: 'Cart', timestamp: at(3) },
    { type: 'track', event: 'Product Viewed', timestamp: at(4) },
    { type: 'track', event: 'Order Completed', timestamp: at(5), properties: { order_id: 'o2', revenue: 20 } },
  ].map((e) => ({ ...e, anonymousId: anon, messageId: uid('m') }));

  beforeAll(async () => {
    const r = await ingest({ batch });
    expect(r.body.accepted).toBe(6);
  });

  const ref = () => `anonymous_id:${encodeURIComponent(anon)}`;
  const times = (body: { data: Array<{ timestamp: string }> }) => body.data.map((e) => e.timestamp);

  it('pages newest first with a cursor, and oldest first on request', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { status: number; body: { data: Array<{ timestamp: string }>; nextCursor: string | null } } = await apiJson(`/v1/profiles/${ref()}/events?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...times(r.body));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([5, 4, 3, 2, 1, 0].map(at));
    expect(times((await apiJson(`/v1/profiles/${ref()}/events?order=asc&limit=2`)).body)).toEqual([at(0), at(1)]);
  });

  it('filters by time range, type and event name', async () => {
    expect(times((await apiJson(`/v1/profiles/${ref()}/events?from=${at(1)}&to=${at(4)}`)).body)).toEqual([at(3), at(2), at(1)]);
    expect(times((await apiJson(`/v1/profiles/${ref()}/events?type=page`)).body)).toEqual([at(3), at(0)]);
    expect(times((await apiJson(`/v1/profiles/${ref()}/events?event=Order%20Completed`)).body)).toEqual([at(5), at(2)]);
    expect(times((await apiJson(`/v1/profiles/${ref()}/events?type=track&event=Product%20Viewed&from=${T0 + 2 * DAY}`)).body)).toEqual([at(4)]);
  });

  it('refuses an unknown type, a bad time and a cursor of another profile', async () => {
    expect((await apiJson(`/v1/profiles/${ref()}/events?type=click`)).status).toBe(400);
    expect((await apiJson(`/v1/profiles/${ref()}/events?from=soon`)).status).toBe(400);
    const other = uid('anon');
    await ingest({ batch: [{ type: 'track', event: 'A', anonymousId: other, messageId: uid() }, { type: 'track', event: 'B', anonymousId: other, messageId: uid() }] });
    const page = await apiJson(`/v1/profiles/anonymous_id:${other}/events?limit=1`);
    const r = await apiJson(`/v1/profiles/${ref()}/events?cursor=${page.body.nextCursor}`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_cursor');
  });

  it('is a 404 for a profile that does not exist', async () => {
    const r = await api(`/v1/profiles/anonymous_id:${uid('nobody')}/events`);
    expect(r.status).toBe(404);
  });
});

describe('GET /v1/profiles/export', () => {
  let t: { tenantId: string; secretKey: string };
  const many: SeedRow[] = Array.from({ length: 1_234 }, (_, i) => ({
    id: `x${String(i).padStart(5, '0')}`,
    name: i === 7 ? 'Quote "the" man, Jr.' : `Row ${i}`,
    email: `x${i}@shop.example`,
    orders: i % 4,
    revenue: i,
    lastSeen: T0 + i * 1000,
    traits: {},
  }));

  beforeAll(async () => {
    t = await newTenant('Export shop');
    many[3].name = '=HYPERLINK("http://evil.example")';
    await seedIndex(t.tenantId, many);
  });

  it('streams every profile as NDJSON, across index pages', async () => {
    const res = await api('/v1/profiles/export?format=ndjson', { key: t.secretKey });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="profiles-.*\.ndjson"$/);
    const lines = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as Item);
    expect(lines).toHaveLength(many.length);
    expect(new Set(lines.map((l) => l.id))).toEqual(new Set(many.map((r) => r.id)));
    expect(lines.find((l) => l.id === 'x00010')).toMatchObject({ email: 'x10@shop.example', revenue: 10, orders: 2 });
  });

  it('streams CSV with a header, RFC 4180 quoting and no spreadsheet formulas', async () => {
    const res = await api('/v1/profiles/export?format=csv&min_orders=1', { key: t.secretKey });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    const lines = text.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('id,userId,email,name,country,firstSeen,lastSeen,orders,revenue,rfmSegment,eventCount,anonymousIds');
    expect(lines).toHaveLength(1 + many.filter((r) => r.orders >= 1).length);
    expect(text).toContain('x00007,x00007,x7@shop.example,"Quote ""the"" man, Jr.",');
    expect(text).toContain(`x00003,x00003,x3@shop.example,"'=HYPERLINK(""http://evil.example"")",`);
  });

  it('exports one segment only, and refuses an unknown format', async () => {
    const now = Date.now();
    await env.DB.prepare('INSERT INTO segments (tenant_id, id, name, rule, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind(t.tenantId, 'few', 'Few', '{}', now, now, 1).run();
    for (const id of ['x00001', 'x00002']) {
      await env.DB.prepare('INSERT INTO segment_members (tenant_id, segment_id, profile_id, entered_at) VALUES (?, ?, ?, ?)').bind(t.tenantId, 'few', id, now).run();
    }
    const text = await (await api('/v1/profiles/export?format=ndjson&segment=few', { key: t.secretKey })).text();
    expect(text.trimEnd().split('\n').map((l) => JSON.parse(l).id)).toEqual(['x00001', 'x00002']);
    expect((await api('/v1/profiles/export?format=xml', { key: t.secretKey })).status).toBe(400);
  });
});
