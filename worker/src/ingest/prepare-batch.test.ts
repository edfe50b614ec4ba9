import { describe, expect, it } from 'vitest';
import { payloadHash } from './payload-hash';
import { prepareBatch } from './prepare-batch';
import type { RequestFacts } from './ingest-types';

const facts = (receivedAt: number): RequestFacts => ({
  receivedAt,
  userAgent: { bot: false, browser: { name: 'Chrome', version: '131.0.0.0' }, os: { name: 'Linux' } },
  geo: { country: 'GB', city: 'London' },
  gpc: true,
  route: 'batch',
});

const event = (properties: Record<string, unknown>) => ({
  type: 'track',
  event: 'Product Viewed',
  messageId: 'm-1',
  anonymousId: 'a-1',
  properties,
  context: { page: { path: '/p/1' }, ip: '203.0.113.9' },
  userAgent: 'ignored',
});

describe('prepareBatch: a generated messageId', () => {
  const tricky = { product_id: 'sku-1', price: 19.99, note: 'a $& b $` c $\' d "q" \\ é 😀 \u0000portrait-x', nested: { properties: 'x', list: [1, { a: null }] } };
  const { messageId: _none, ...unnamed } = event(tricky);

  it('derives from the client payload exactly as before (retries of events stored earlier still match)', () => {
    const body = { batch: [unnamed], context: { library: { name: 'analytics-node' } }, integrations: { All: true }, sentAt: '2026-11-29T11:00:00.000Z' };
    const [prepared] = prepareBatch(structuredClone(body), facts(Date.UTC(2026, 10, 29, 11, 0, 1))).events;
    // The definition: [type, cleaned ids, the event without collector-set fields and sentAt, batch context, integrations].
    const { userAgent: _ignored, ...client } = unnamed;
    const source = JSON.stringify(['track', { anonymousId: 'a-1' }, client, body.context, body.integrations]);
    expect(prepared.event.messageId).toBe(`auto-${payloadHash(source)}`);
    expect(prepared.event.flags).toContain('generated_messageId');
    // A small body (bodyBytes within the event limit) takes the path that uses the parsed
    // event as is instead of copying it: the same id and the same stored event.
    const small = prepareBatch(structuredClone(body), { ...facts(Date.UTC(2026, 10, 29, 11, 0, 1)), bodyBytes: 100 }).events[0];
    expect(small).toEqual(prepared);
  });

  it('a retry (other sentAt, later receipt) gets the same id; another payload does not', () => {
    const first = prepareBatch({ batch: [structuredClone(unnamed)], sentAt: '2026-11-29T11:00:00.000Z' }, facts(Date.UTC(2026, 10, 29, 11, 0, 1))).events[0];
    const retry = prepareBatch({ batch: [structuredClone(unnamed)], sentAt: '2026-11-29T12:00:00.000Z' }, facts(Date.UTC(2026, 10, 29, 12, 0, 1))).events[0];
    const changed = prepareBatch({ batch: [{ ...structuredClone(unnamed), properties: { ...tricky, price: 18.99 } }] }, facts(Date.UTC(2026, 10, 29, 12, 0, 1))).events[0];
    expect(retry.event.messageId).toBe(first.event.messageId);
    expect(changed.event.messageId).not.toBe(first.event.messageId);
  });

  it('a messageId the client sent is kept as it is', () => {
    const [prepared] = prepareBatch({ batch: [event(tricky)] }, facts(Date.UTC(2026, 10, 29, 11, 0, 1))).events;
    expect(prepared.event.messageId).toBe('m-1');
    expect(prepared.event.flags ?? []).not.toContain('generated_messageId');
  });
});
