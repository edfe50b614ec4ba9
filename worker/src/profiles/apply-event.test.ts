import { describe, expect, it } from 'vitest';
import { createProfileState } from './profile-state';
import { applyEvent } from './apply-event';
import { renderPortrait } from './render-portrait';
import { identify, page, track } from './test-events';

const NOW = '2026-11-29T12:00:00.000Z';

describe('traits', () => {
  it('keeps the latest value by event time, so a late older identify never overwrites it', () => {
    const s = createProfileState('p1');
    applyEvent(s, identify({ email: 'New@Example.com', plan: 'pro' }, '2026-11-02T00:00:00Z'));
    applyEvent(s, identify({ email: 'old@example.com', plan: 'free', city: 'Lyon' }, '2026-11-01T00:00:00Z'));
    const p = renderPortrait(s, { now: NOW });
    expect(p.traits.all.email.value).toBe('New@Example.com');
    expect(p.traits.all.plan).toMatchObject({ value: 'pro', firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-02T00:00:00.000Z', source: 'identify' });
    expect(p.traits.all.city.value).toBe('Lyon');
    expect(p.identity.emails).toEqual(['new@example.com', 'old@example.com']);
  });

  it('types the reserved traits and derives gender, age, region, occupation, education and zodiac', () => {
    const s = createProfileState();
    applyEvent(s, identify({ firstName: 'Ada', lastName: 'Byron', gender: 'F', birthday: '1990-03-25', age: 'x', title: 'Engineer', education: 'MSc', address: { country: 'FR', city: 'Paris' }, company: { name: 'ACME', employee_count: 12 } }, '2026-11-01T00:00:00Z'));
    const p = renderPortrait(s, { now: NOW });
    expect(p.traits.reserved).toMatchObject({ firstName: 'Ada', name: 'Ada Byron', birthday: '1990-03-25', address: { country: 'FR', city: 'Paris' }, company: { name: 'ACME', employee_count: 12 } });
    expect(p.traits.reserved.age).toBeUndefined();
    expect(p.traits.derived).toEqual({ gender: 'female', age: 36, region: { country: 'FR', state: null, city: 'Paris', source: 'traits' }, occupation: 'Engineer', education: 'MSc', zodiac: 'Aries' });
  });

  it('takes the region from geo when traits have none', () => {
    const s = createProfileState();
    applyEvent(s, page('/', '2026-11-01T10:00:00Z', { location: { country: 'DE', region: 'Bavaria', city: 'Munich', timezone: 'Europe/Berlin' } }));
    const p = renderPortrait(s, { now: NOW });
    expect(p.traits.derived.region).toEqual({ country: 'DE', state: 'Bavaria', city: 'Munich', source: 'geo' });
    expect(p.now.location).toMatchObject({ country: 'DE', city: 'Munich' });
  });

  it('ignores __proto__ trait keys and counts events without a usable time instead of throwing', () => {
    const s = createProfileState();
    applyEvent(s, identify(JSON.parse('{"__proto__":{"isAdmin":true},"ok":1}'), '2026-11-01T00:00:00Z'));
    applyEvent(s, { type: 'track', event: 'X', messageId: 'm', userId: 'u', timestamp: 'yesterday' });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.keys(s.traits)).toEqual(['ok']);
    expect(s.skipped).toBe(1);
  });
});

describe('commerce', () => {
  const order = (id: string, ts: string, props: Record<string, unknown> = {}) => track('Order Completed', { order_id: id, ...props }, ts);

  it('takes revenue, else total, else the sum of price x quantity', () => {
    const s = createProfileState();
    applyEvent(s, order('A', '2026-11-01T00:00:00Z', { revenue: 10, total: 99 }));
    applyEvent(s, order('B', '2026-11-02T00:00:00Z', { total: 20.5 }));
    applyEvent(s, order('C', '2026-11-03T00:00:00Z', { products: [{ product_id: 'p', price: 2.5, quantity: 3 }, { product_id: 'q', price: 1 }] }));
    const c = renderPortrait(s, { now: NOW }).commerce;
    expect(c).toMatchObject({ orders: 3, revenue: 39, aov: 13, firstOrderAt: '2026-11-01T00:00:00.000Z', lastOrderAt: '2026-11-03T00:00:00.000Z' });
  });

  it('counts a re-sent order once and nets cancellations and refunds by order_id, whatever the order they arrive in', () => {
    const s = createProfileState();
    applyEvent(s, track('Order Cancelled', { order_id: 'B' }, '2026-11-05T00:00:00Z'));
    applyEvent(s, order('A', '2026-11-01T00:00:00Z', { revenue: 100 }));
    applyEvent(s, order('A', '2026-11-01T00:00:00Z', { revenue: 100 }));
    applyEvent(s, order('B', '2026-11-04T00:00:00Z', { revenue: 50 }));
    applyEvent(s, track('Order Refunded', { order_id: 'A', total: 30 }, '2026-11-06T00:00:00Z'));
    applyEvent(s, track('Order Refunded', { order_id: 'old-1', revenue: 5 }, '2026-11-06T00:00:00Z'));
    const c = renderPortrait(s, { now: NOW }).commerce;
    expect(c).toMatchObject({ orders: 1, revenue: 65, cancelledOrders: 1, refunds: 2, refundedAmount: 35, lastOrderAt: '2026-11-01T00:00:00.000Z' });
  });

  it('converts other currencies with the tenant rates and reports those it cannot convert', () => {
    const s = createProfileState();
    const config = { currency: 'EUR', exchangeRates: { GBP: 1.2 } };
    applyEvent(s, order('A', '2026-11-01T00:00:00Z', { revenue: 10, currency: 'GBP' }), config);
    applyEvent(s, order('B', '2026-11-01T00:00:00Z', { revenue: 10 }), config);
    applyEvent(s, order('C', '2026-11-01T00:00:00Z', { revenue: 10, currency: 'JPY' }), config);
    const c = renderPortrait(s, { now: NOW, config }).commerce;
    expect(c).toMatchObject({ orders: 3, revenue: 22, currency: 'EUR', revenueByCurrency: { GBP: 10, EUR: 10, JPY: 10 }, unconvertedCurrencies: ['JPY'] });
  });

  it('reports in the currency most orders use when the tenant has not chosen one', () => {
    const s = createProfileState();
    applyEvent(s, order('A', '2026-11-01T00:00:00Z', { revenue: 10, currency: 'gbp' }));
    applyEvent(s, order('B', '2026-11-02T00:00:00Z', { revenue: 5, currency: 'GBP' }));
    applyEvent(s, order('C', '2026-11-03T00:00:00Z', { revenue: 7 }));
    applyEvent(s, order('D', '2026-11-03T00:00:00Z', { revenue: 9, currency: 'EUR' }));
    const c = renderPortrait(s, { now: NOW }).commerce;
    expect(c).toMatchObject({ orders: 4, revenue: 22, currency: 'GBP', revenueByCurrency: { GBP: 22, EUR: 9 }, unconvertedCurrencies: ['EUR'] });
    expect(renderPortrait(createProfileState(), { now: NOW }).commerce.currency).toBe('USD');
  });

  it('keeps a cart, flags it abandoned after the idle time and empties it on the order', () => {
    const s = createProfileState();
    applyEvent(s, track('Product Added', { product_id: 'mug', name: 'Mug', category: 'Kitchen', price: 8, quantity: 2 }, '2026-11-29T09:00:00Z'));
    applyEvent(s, track('Product Added', { product_id: 'tea', price: 4 }, '2026-11-29T09:01:00Z'));
    applyEvent(s, track('Product Removed', { product_id: 'tea' }, '2026-11-29T09:02:00Z'));
    let cart = renderPortrait(s, { now: '2026-11-29T09:30:00Z' }).commerce.cart;
    expect(cart).toMatchObject({ count: 2, value: 16, abandoned: false });
    cart = renderPortrait(s, { now: '2026-11-29T10:03:00Z', config: { cartAbandonAfterMinutes: 60 } }).commerce.cart;
    expect(cart.abandoned).toBe(true);
    applyEvent(s, track('Order Completed', { order_id: 'X', revenue: 16 }, '2026-11-29T10:05:00Z'));
    // A late add from before the order does not resurrect the cart.
    applyEvent(s, track('Product Added', { product_id: 'tea', price: 4 }, '2026-11-29T09:03:00Z'));
    cart = renderPortrait(s, { now: '2026-11-29T12:00:00Z' }).commerce.cart;
    expect(cart).toMatchObject({ count: 0, value: 0, abandoned: false });
  });

  it('lists favourite categories and brands from orders', () => {
    const s = createProfileState();
    applyEvent(s, order('A', '2026-11-01T00:00:00Z', { products: [{ product_id: '1', category: 'Tea', brand: 'Kusmi', price: 5 }] }));
    applyEvent(s, order('B', '2026-11-02T00:00:00Z', { products: [{ product_id: '2', category: 'Tea', brand: 'Twinings', price: 5 }, { product_id: '3', category: 'Mugs', price: 5 }] }));
    const c = renderPortrait(s, { now: NOW }).commerce;
    expect(c.favouriteCategories).toEqual([{ name: 'Tea', orders: 2 }, { name: 'Mugs', orders: 1 }]);
    expect(c.favouriteBrands.map((b) => b.name)).toEqual(['Kusmi', 'Twinings']);
  });
});

describe('interests', () => {
  it('scores views, cart adds and purchases, halving after the half-life, in any arrival order', () => {
    const events = [
      track('Product Viewed', { product_id: 'p1', name: 'Green tea', category: 'Tea', brand: 'Kusmi' }, '2026-10-30T00:00:00Z'),
      track('Product Added', { product_id: 'p1', category: 'Tea', brand: 'Kusmi', price: 5 }, '2026-10-30T00:01:00Z'),
      track('Product Viewed', { product_id: 'p2', category: 'Mugs' }, '2026-11-29T00:00:00Z'),
    ];
    const a = createProfileState();
    const b = createProfileState();
    for (const e of events) applyEvent(a, e);
    for (const e of [...events].reverse()) applyEvent(b, e);
    const pa = renderPortrait(a, { now: '2026-11-29T00:00:00Z', config: { interestHalfLifeDays: 30 } });
    const pb = renderPortrait(b, { now: '2026-11-29T00:00:00Z', config: { interestHalfLifeDays: 30 } });
    expect(pa.interests).toEqual(pb.interests);
    // Tea: (1 view + 3 cart add) thirty days ago = 4 / 2 = 2; Mugs: one view today = 1.
    expect(pa.interests.categories.map((c) => [c.key, Math.round(c.score * 100) / 100])).toEqual([['Tea', 2], ['Mugs', 1]]);
    expect(pa.interests.products[0]).toMatchObject({ key: 'p1', name: 'Green tea', signals: 2 });
  });

  it('shows only the top N', () => {
    const s = createProfileState();
    for (let i = 0; i < 15; i++) applyEvent(s, track('Product Viewed', { product_id: `p${i}`, category: `c${i}` }, '2026-11-01T00:00:00Z'));
    expect(renderPortrait(s, { now: NOW, config: { interestTopN: 5 } }).interests.categories).toHaveLength(5);
  });
});

describe('behavior, channels and now', () => {
  it('counts sessions, page views, engaged time, paths, devices and local activity hours', () => {
    const s = createProfileState();
    const ctx = (sid: string) => ({ session: { id: sid, count: 1 }, timezone: 'Europe/Paris', browser: { name: 'Firefox' }, os: { name: 'Linux' }, device: { type: 'desktop' } });
    applyEvent(s, page('/', '2026-11-02T08:00:00Z', ctx('s1')));
    applyEvent(s, page('/tea', '2026-11-02T08:05:00Z', ctx('s1')));
    applyEvent(s, track('Page Engaged', { engaged_ms: 42_000, scroll_depth: 80 }, '2026-11-02T08:06:00Z', { context: ctx('s1') }));
    applyEvent(s, page('/tea', '2026-11-03T18:00:00Z', { ...ctx('s2'), device: { type: 'mobile' }, browser: { name: 'Chrome' } }));
    const b = renderPortrait(s, { now: NOW }).behavior;
    expect(b).toMatchObject({ sessions: 2, pageViews: 3, events: 4, engagedTimeMs: 42_000, activeDays: 2, averageSessionMs: 180_000 });
    expect(b.eventTypes).toEqual({ track: 1, page: 3, screen: 0, identify: 0, group: 0, alias: 0 });
    expect(b.topPaths).toEqual([{ path: '/tea', views: 2 }, { path: '/', views: 1 }]);
    expect(b.devices).toEqual([{ name: 'desktop', sessions: 1 }, { name: 'mobile', sessions: 1 }]);
    expect(b.browsers.map((x) => x.name).sort()).toEqual(['Chrome', 'Firefox']);
    // 08:00 UTC is 09:00 in Paris; 2026-11-02 is a Monday.
    expect(b.hourOfDay[9]).toBe(3);
    expect(b.hourOfDay[19]).toBe(1);
    expect(b.weekday[1]).toBe(3);
  });

  it('starts a new session after 30 minutes of inactivity when the event has no session id', () => {
    const s = createProfileState();
    applyEvent(s, page('/', '2026-11-02T08:00:00Z'));
    applyEvent(s, page('/a', '2026-11-02T08:20:00Z'));
    applyEvent(s, page('/b', '2026-11-02T09:30:00Z'));
    expect(renderPortrait(s, { now: NOW }).behavior.sessions).toBe(2);
  });

  it('keeps first and last touch by time, classifies the channel mix and reports the current session', () => {
    const s = createProfileState();
    applyEvent(s, page('/', '2026-11-20T08:00:00Z', { session: { id: 's2', count: 2 }, campaign: { source: 'newsletter', medium: 'email', name: 'nov' } }));
    applyEvent(s, page('/', '2026-11-01T08:00:00Z', { session: { id: 's1', count: 1 }, page: { path: '/', url: 'https://shop.example/', referrer: 'https://www.google.com/' } }));
    applyEvent(s, page('/', '2026-11-29T11:50:00Z', { session: { id: 's3', count: 3 } }));
    applyEvent(s, page('/x', '2026-11-25T08:00:00Z', { session: { id: 's4', count: 4 }, campaign: { source: 'google', medium: 'cpc', gclid: 'abc' } }));
    const p = renderPortrait(s, { now: NOW });
    expect(p.channels.firstTouch).toMatchObject({ at: '2026-11-01T08:00:00.000Z', channel: 'organic', referrer: 'https://www.google.com/' });
    expect(p.channels.lastTouch).toMatchObject({ at: '2026-11-25T08:00:00.000Z', channel: 'paid' });
    expect(p.channels.mix).toEqual({ direct: 1, organic: 1, paid: 1, social: 0, email: 1, referral: 0 });
    expect(p.now.session).toMatchObject({ id: 's3', active: true, channel: 'direct' });
    expect(p.now.campaign?.campaign).toMatchObject({ medium: 'cpc' });
    expect(p.now.lastPage?.path).toBe('/');
  });

  it('records consent categories and the GPC flag, latest by time', () => {
    const s = createProfileState();
    applyEvent(s, page('/', '2026-11-02T08:00:00Z', { consent: { categories: { analytics: true, marketing: false }, gpc: false, source: 'api' } }));
    applyEvent(s, page('/', '2026-11-01T08:00:00Z', { consent: { categories: { analytics: false } } }));
    applyEvent(s, page('/', '2026-11-03T08:00:00Z', { gpc: true }));
    expect(renderPortrait(s, { now: NOW }).consent).toEqual({ categories: { analytics: true, marketing: false }, gpc: true, mode: null, source: 'api', updatedAt: '2026-11-03T08:00:00.000Z' });
  });

  it('keeps daily counts per event name for event conditions', () => {
    const s = createProfileState();
    applyEvent(s, track('Order Completed', { order_id: '1' }, '2026-11-28T10:00:00Z'));
    applyEvent(s, track('Order Completed', { order_id: '2' }, '2026-11-28T11:00:00Z'));
    applyEvent(s, page('/', '2026-11-01T08:00:00Z'));
    const p = renderPortrait(s, { now: NOW });
    expect(p.events['Order Completed']).toEqual({ total: 2, firstAt: '2026-11-28T10:00:00.000Z', lastAt: '2026-11-28T11:00:00.000Z', daily: { '2026-11-28': 2 } });
    expect(p.events['Page Viewed'].total).toBe(1);
  });

  it('uses the collector\'s orderAt over the device timestamp when given', () => {
    const s = createProfileState();
    applyEvent(s, track('Order Completed', { order_id: '1', revenue: 5 }, '1970-01-01T00:00:00Z'), undefined, Date.parse('2026-11-28T00:00:00Z'));
    expect(renderPortrait(s, { now: NOW }).commerce.firstOrderAt).toBe('2026-11-28T00:00:00.000Z');
  });
});

describe('local activity time', () => {
  it('counts hours in the visitor\'s zone, half-hour zones and day changes included', async () => {
    const { localHourAndWeekday } = await import('./behavior');
    // 2026-11-02 (Monday) 20:45 UTC = 02:15 Tuesday in Kolkata (+5:30), 15:45 Monday in New York (-5).
    const at = Date.parse('2026-11-02T20:45:00Z');
    expect(localHourAndWeekday(at, 'Asia/Kolkata')).toEqual([2, 2]);
    expect(localHourAndWeekday(at, 'America/New_York')).toEqual([15, 1]);
    expect(localHourAndWeekday(at, 'Not/AZone')).toEqual([20, 1]);
    expect(localHourAndWeekday(at, null)).toEqual([20, 1]);
  });
});
