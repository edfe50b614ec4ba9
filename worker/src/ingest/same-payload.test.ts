import { describe, expect, it } from 'vitest';
import type { RequestFacts } from './ingest-types';
import { prepareBatch } from './prepare-batch';
import { samePayload } from './same-payload';

const at = (iso: string) => Date.parse(iso);
const facts = (receivedAt: number, over: Partial<RequestFacts> = {}): RequestFacts => ({
  receivedAt,
  userAgent: { bot: false, browser: { name: 'Chrome', version: '131.0.0.0' }, os: { name: 'Linux' }, device: { type: 'desktop' } },
  geo: { country: 'GB', city: 'London' },
  gpc: false,
  route: 'batch',
  ...over,
});

const event = (over: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Order Completed',
  messageId: 'm-1',
  userId: 'u-1',
  timestamp: '2026-11-29T10:59:58.000Z',
  properties: { order_id: 'o-1', revenue: 42.5, products: [{ sku: 'a', quantity: 2 }] },
  context: { page: { path: '/checkout' }, device: { id: 'phone-1' } },
  ...over,
});

/** The timeline body the collector stores for one event of a request. */
function stored(ev: Record<string, unknown>, sentAt: string, f: RequestFacts): string {
  const [prepared] = prepareBatch({ batch: [ev], sentAt }, f).events;
  return JSON.stringify(prepared.event);
}

const first = stored(event(), '2026-11-29T11:00:00.000Z', facts(at('2026-11-29T11:00:01.000Z')));

describe('samePayload', () => {
  it('a retry is the same payload: sent and received later, from another network and browser, fields in another order', () => {
    const { properties, context, ...rest } = event();
    const reordered = { properties: { products: properties.products, revenue: 42.5, order_id: 'o-1' }, ...rest, context };
    const retry = stored(reordered, '2026-11-29T14:00:00.000Z', facts(at('2026-11-29T14:00:03.000Z'), {
      geo: { country: 'FR', city: 'Paris' },
      userAgent: { bot: false, browser: { name: 'Firefox', version: '133.0' }, os: { name: 'Android' }, device: { type: 'mobile' } },
      gpc: true,
    }));
    expect(JSON.parse(retry).timestamp).not.toBe(JSON.parse(first).timestamp);
    expect(samePayload(first, retry)).toBe(true);
    expect(samePayload(first, first)).toBe(true);
  });

  it('another payload under the same messageId is not: a property, the device clock, the ids or an added field', () => {
    const again = (over: Record<string, unknown>) => stored(event(over), '2026-11-29T11:00:00.000Z', facts(at('2026-11-29T11:00:01.000Z')));
    expect(samePayload(first, again({ properties: { order_id: 'o-1', revenue: 43, products: [{ sku: 'a', quantity: 2 }] } }))).toBe(false);
    expect(samePayload(first, again({ properties: { order_id: 'o-1', revenue: 42.5, products: [{ sku: 'a', quantity: 2 }, { sku: 'b' }] } }))).toBe(false);
    expect(samePayload(first, again({ timestamp: '2026-11-29T10:59:57.000Z' }))).toBe(false);
    expect(samePayload(first, again({ userId: 'u-2' }))).toBe(false);
    expect(samePayload(first, again({ event: 'Order Refunded' }))).toBe(false);
    expect(samePayload(first, again({ traits: { plan: 'pro' } }))).toBe(false);
    expect(samePayload(first, again({ context: { page: { path: '/cart' }, device: { id: 'phone-1' } } }))).toBe(false);
  });

  it('a body that is not JSON matches nothing but itself', () => {
    expect(samePayload(first, '{"type":')).toBe(false);
    expect(samePayload('{"type":', first)).toBe(false);
    expect(samePayload('{"type":', '{"type":')).toBe(true);
  });
});
