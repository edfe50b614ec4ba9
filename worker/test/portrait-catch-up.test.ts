/**
 * The portrait row may lag the timeline (no segments or computed traits: ingest only stores
 * events). Whatever the row holds, a reader and a restarted object see every stored event,
 * and a duplicate or conflicting copy never counts twice.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ProfileObject } from '../src/storage/profile-object';
import { getProfile, ingest, track, uid } from './support';

type PortraitView = { behavior: { events: number; eventTypes: Record<string, number>; topPaths: Array<{ path: string; views: number }> } };

function savedRow(sql: SqlStorage): { seq: number; lastSeq: number } {
  const state = sql.exec<{ state: string }>('SELECT state FROM portrait WHERE id = 1').toArray()[0]?.state;
  const lastSeq = sql.exec<{ n: number | null }>('SELECT max(seq) AS n FROM events').one().n ?? 0;
  return { seq: state ? Number(state.slice(0, state.indexOf(' '))) : 0, lastSeq };
}

describe('portrait caught up from the timeline', () => {
  it('a read, and a restarted object replaying from the saved row, count every stored event once', async () => {
    const anon = uid('anon');
    const page = (path: string) => track(anon, { type: 'page', event: undefined, name: 'Product', context: { page: { path } } });
    const first = [track(anon), page('/a'), page('/b')];
    expect((await ingest({ batch: first })).body.accepted).toBe(3);
    const second = [track(anon), page('/a')];
    expect((await ingest({ batch: second })).body.accepted).toBe(2);
    // A retry (duplicate) and a reused messageId with another payload (conflict) change nothing.
    const again = await ingest({ batch: [first[0], { ...first[1], name: 'Other' }] });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(again.body.rejected.map((r) => r.reason)).toEqual(['duplicate_conflict']);

    const stub = env.PROFILES.get(env.PROFILES.idFromName(`demo:anon:${anon}`));
    // Ingest stored the events but left the portrait row behind them.
    const before = await runInDurableObject(stub, (_obj, state) => savedRow(state.storage.sql));
    expect(before.seq).toBeLessThan(before.lastSeq);

    const view = (await getProfile(`anonymous_id:${anon}`)).body.profile.portrait as unknown as PortraitView;
    expect(view.behavior.events).toBe(5);
    expect(view.behavior.eventTypes).toMatchObject({ track: 2, page: 3 });
    expect(view.behavior.topPaths).toEqual(expect.arrayContaining([{ path: '/a', views: 2 }, { path: '/b', views: 1 }]));

    // A new instance over the same storage (as after an eviction or a crash) rebuilds the same portrait.
    const restarted = await runInDurableObject(stub, async (_obj, state) => {
      const fresh = new ProfileObject(state, env);
      const r = await fresh.read('demo', 0);
      return r.status === 'ok' ? (r.profile.portrait as unknown as PortraitView) : null;
    });
    expect(restarted?.behavior).toEqual(view.behavior);
  });

  it('the index alarm saves the caught-up portrait with the seq it reflects', async () => {
    const anon = uid('anon');
    expect((await ingest({ batch: [track(anon), track(anon)] })).body.accepted).toBe(2);
    const stub = env.PROFILES.get(env.PROFILES.idFromName(`demo:anon:${anon}`));
    await runInDurableObject(stub, async (obj) => {
      await obj.alarm();
    });
    const after = await runInDurableObject(stub, (_obj, state) => savedRow(state.storage.sql));
    expect(after.seq).toBe(after.lastSeq);
    const restarted = await runInDurableObject(stub, async (_obj, state) => {
      const r = await new ProfileObject(state, env).read('demo', 0);
      return r.status === 'ok' ? (r.profile.portrait as unknown as PortraitView).behavior.events : -1;
    });
    expect(restarted).toBe(2);
  });

  it('events ingested after rows the object did not write itself (a gap in the timeline) are all counted, in order', async () => {
    const anon = uid('anon');
    expect((await ingest({ batch: [track(anon)] })).body.accepted).toBe(1);
    const stub = env.PROFILES.get(env.PROFILES.idFromName(`demo:anon:${anon}`));
    // A row stored behind the object's portrait in memory (as a merge import stores rows).
    await runInDurableObject(stub, (_obj, state) => {
      const now = Date.now();
      const messageId = uid('msg');
      const body = { type: 'page', name: 'Product', messageId, anonymousId: anon, context: { page: { path: '/gap' } }, timestamp: new Date(now).toISOString(), receivedAt: new Date(now).toISOString() };
      state.storage.sql.exec(
        'INSERT INTO events (message_id, hash, type, name, order_at, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
        messageId, 'test', 'page', 'Product', now, now, JSON.stringify(body),
      );
    });
    expect((await ingest({ batch: [track(anon), track(anon)] })).body.accepted).toBe(2);
    // Ingested again after a read brought the portrait up to date: applied as they arrive.
    expect((await getProfile(`anonymous_id:${anon}`)).status).toBe(200);
    expect((await ingest({ batch: [track(anon, { type: 'page', event: undefined, name: 'Product', context: { page: { path: '/gap' } } })] })).body.accepted).toBe(1);

    const view = (await getProfile(`anonymous_id:${anon}`)).body.profile.portrait as unknown as PortraitView;
    expect(view.behavior.events).toBe(5);
    expect(view.behavior.eventTypes).toMatchObject({ track: 3, page: 2 });
    expect(view.behavior.topPaths).toEqual(expect.arrayContaining([{ path: '/gap', views: 2 }]));
    const restarted = await runInDurableObject(stub, async (_obj, state) => {
      const r = await new ProfileObject(state, env).read('demo', 0);
      return r.status === 'ok' ? (r.profile.portrait as unknown as PortraitView).behavior : null;
    });
    expect(restarted).toEqual(view.behavior);
  });
});
