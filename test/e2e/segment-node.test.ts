/**
 * Segment's own server library, @segment/analytics-node 3.1, pointed at the real collector
 * (wrangler dev): every call type is stored, and a batch whose answer was lost is retried
 * by the client and stored once.
 */
import { Analytics } from '@segment/analytics-node';
import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerServer } from './support/worker-server';

let worker: WorkerServer;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
});

async function profile(ref: string) {
  const res = await fetch(`${worker.origin}/v1/profiles/${encodeURIComponent(ref)}?limit=500`, { headers: { authorization: `Bearer ${worker.secretKey}` } });
  return { status: res.status, body: (await res.json()) as { profile: { eventCount: number }; events: Array<{ type: string; messageId: string; traits?: Record<string, unknown>; context: { library?: { name: string } } }> } };
}

function client(host: string, extra: Record<string, unknown> = {}) {
  const errors: unknown[] = [];
  const analytics = new Analytics({ writeKey: worker.writeKey, host, flushInterval: 50, maxEventsInBatch: 50, ...extra });
  analytics.on('error', (err) => errors.push(err));
  return { analytics, errors };
}

describe('@segment/analytics-node against the collector', () => {
  it('delivers track, identify, page, screen, group and alias', async () => {
    const run = Date.now().toString(36);
    const userId = `node-user-${run}`;
    const { analytics, errors } = client(worker.origin);
    analytics.identify({ userId, traits: { email: `${run}@example.com`, plan: 'pro' } });
    analytics.track({ userId, event: 'Order Completed', properties: { order_id: `o-${run}`, revenue: 42 } });
    analytics.page({ userId, name: 'Pricing', properties: { path: '/pricing' } });
    analytics.screen({ userId, name: 'Home' });
    analytics.group({ userId, groupId: `g-${run}`, traits: { name: 'Acme' } });
    analytics.alias({ userId, previousId: `legacy-${run}` });
    await analytics.closeAndFlush({ timeout: 20_000 });
    expect(errors).toEqual([]);
    const p = await profile(`user_id:${userId}`);
    expect(p.status).toBe(200);
    expect(p.body.profile.eventCount).toBe(6);
    expect(p.body.events.map((e) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
    expect(p.body.events.find((e) => e.type === 'identify')).toMatchObject({ traits: { plan: 'pro' } });
    expect(p.body.events[0].context.library?.name).toBe('@segment/analytics-node');
    // The alias pointed the legacy id at this profile.
    expect((await profile(`user_id:legacy-${run}`)).body.profile.eventCount).toBe(6);
  });

  it('retries a batch whose answer was lost and it is stored once', async () => {
    // A proxy that forwards the first batch to the collector (so it IS stored) but tells
    // the client 503, as if the answer had been lost; later requests pass through.
    let batches = 0;
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        batches++;
        const first = batches === 1;
        const upstream = request(`${worker.origin}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
          const body: Buffer[] = [];
          up.on('data', (c) => body.push(c));
          up.on('end', () => {
            if (first) {
              res.writeHead(503, { 'content-type': 'application/json' });
              res.end('{"success":false,"error":{"code":"lost","message":"answer lost"}}');
            } else {
              res.writeHead(up.statusCode ?? 502, up.headers);
              res.end(Buffer.concat(body));
            }
          });
        });
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (proxy.address() as { port: number }).port;
      const anonymousId = `node-anon-${Date.now().toString(36)}`;
      const { analytics, errors } = client(`http://127.0.0.1:${port}`, { maxRetries: 3 });
      for (let i = 0; i < 20; i++) analytics.track({ anonymousId, event: 'Retried', properties: { i } });
      await analytics.closeAndFlush({ timeout: 30_000 });
      expect(errors).toEqual([]);
      expect(batches).toBeGreaterThanOrEqual(2);
      const p = await profile(`anonymous_id:${anonymousId}`);
      expect(p.body.profile.eventCount).toBe(20);
      expect(new Set(p.body.events.map((e) => e.messageId)).size).toBe(20);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });
});
