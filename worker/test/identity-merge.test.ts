import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getProfile, ingest, track, uid } from './support';

/** Polls a read until it returns something (bounded), for writes done by alarms. */
async function until<T>(read: () => Promise<T | null>, timeoutMs = 5_000): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== null || Date.now() > deadline) return v;
    await scheduler.wait(20);
  }
}

describe('identity merge', () => {
  it('anonymous browsing, identify, late anonymous events: one profile with an explainable merge log', async () => {
    const anon = uid('anon');
    const user = uid('user');
    const browsing = [track(anon), track(anon, { event: 'Product Added' }), { type: 'page', name: 'Cart', messageId: uid(), anonymousId: anon }];
    expect((await ingest({ batch: browsing })).body.accepted).toBe(3);
    const identify = { type: 'identify', messageId: uid('idf'), userId: user, anonymousId: anon, traits: { email: 'ada@example.com' } };
    expect((await ingest({ batch: [identify] })).body.accepted).toBe(1);
    // A late event still carrying only the anonymous id (sent from another tab before login).
    const late = track(anon, { event: 'Late Click' });
    expect((await ingest({ batch: [late] })).body.accepted).toBe(1);

    const byUser = await getProfile(`user_id:${user}`);
    const byAnon = await getProfile(`anonymous_id:${anon}`);
    expect(byUser.status).toBe(200);
    expect(byAnon.body.profile.profileId).toBe(byUser.body.profile.profileId);
    expect(byUser.body.profile.eventCount).toBe(5);
    expect(byUser.body.events.map((e) => e.messageId).sort()).toEqual([...browsing.map((b) => b.messageId), identify.messageId, late.messageId].sort());
    expect(byUser.body.profile.portrait.traits.all.email.value).toBe('ada@example.com');
    expect(byUser.body.profile.portrait.identity.anonymousIds).toEqual([anon]);
    expect(byUser.body.profile.mergeLog).toEqual([
      expect.objectContaining({
        direction: 'in',
        otherKey: `anon:${anon}`,
        outcome: 'merged',
        eventsMoved: 3,
        messageId: identify.messageId,
        reason: expect.stringContaining(`identify joined anon:${anon} to userId ${user}`),
      }),
    ]);
    expect(byUser.body.profile.identities).toEqual([expect.objectContaining({ profileKey: `anon:${anon}`, status: 'linked' })]);
    // Retrying the whole history (same messageIds) stores nothing twice.
    const replay = await ingest({ batch: [...browsing, identify, late] });
    expect(replay.body).toMatchObject({ accepted: 0, duplicates: 5 });
    expect((await getProfile(`user_id:${user}`)).body.profile.eventCount).toBe(5);
  });

  it('links through any event carrying both ids, and through alias', async () => {
    const anon = uid('anon');
    const user = uid('user');
    const oldUser = uid('legacy');
    await ingest({ batch: [track(anon)] });
    await ingest({ batch: [track(anon, { userId: user, event: 'Logged In Click' })] });
    await ingest({ batch: [{ type: 'track', event: 'Old system', userId: oldUser, messageId: uid() }] });
    const alias = { type: 'alias', previousId: oldUser, userId: user, messageId: uid('alias') };
    expect((await ingest({ batch: [alias] })).body.accepted).toBe(1);
    const p = await getProfile(`user_id:${user}`);
    expect(p.body.profile.eventCount).toBe(4);
    expect((await getProfile(`user_id:${oldUser}`)).body.profile.profileId).toBe(p.body.profile.profileId);
    const reasons = p.body.profile.mergeLog.filter((m: { eventsMoved: number }) => m.eventsMoved > 0).map((m: { reason: string }) => m.reason);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringContaining('carried both userId'), expect.stringContaining(`alias of previousId ${oldUser}`)]));
  });

  it('placeholder ids never merge anything', async () => {
    const anon = uid('anon');
    const user = uid('user');
    for (const placeholder of ['anonymous', 'null', 'undefined', '0', '-1', '[object Object]', '00000000-0000-0000-0000-000000000000', 'NaN', 'guest']) {
      const r = await ingest({ batch: [{ type: 'identify', userId: user, anonymousId: placeholder, messageId: uid() }] });
      expect(r.body.accepted, placeholder).toBe(1);
      expect((await getProfile(`anonymous_id:${placeholder}`)).status, placeholder).toBe(404);
      const blockedUser = await ingest({ batch: [{ type: 'identify', userId: placeholder, anonymousId: anon, messageId: uid() }] });
      expect(blockedUser.body.accepted).toBe(1);
      expect((await getProfile(`user_id:${placeholder}`)).status, placeholder).toBe(404);
    }
    const p = await getProfile(`user_id:${user}`);
    expect(p.body.profile.mergeLog).toEqual([]);
    const a = await getProfile(`anonymous_id:${anon}`);
    expect(a.body.profile.profileId).not.toBe(p.body.profile.profileId);
    expect(a.body.events[0].flags).toContain('blocked_userId');
    const both = await ingest({ batch: [{ type: 'track', event: 'x', userId: 'null', anonymousId: 'anonymous', messageId: uid() }] });
    expect(both.body.rejected[0]).toMatchObject({ index: 0, reason: 'invalid_id' });
  });

  it('a shared device: an anonymous id already merged into one user is refused for another, and logged', async () => {
    const anon = uid('kiosk');
    const alice = uid('alice');
    const bob = uid('bob');
    await ingest({ batch: [track(anon)] });
    await ingest({ batch: [{ type: 'identify', userId: alice, anonymousId: anon, messageId: uid() }] });
    await ingest({ batch: [{ type: 'identify', userId: bob, anonymousId: anon, messageId: uid() }] });
    expect((await getProfile(`user_id:${alice}`)).body.profile.eventCount).toBe(2);
    const b = await getProfile(`user_id:${bob}`);
    expect(b.body.profile.eventCount).toBe(1);
    expect(b.body.profile.mergeLog).toEqual([expect.objectContaining({ outcome: 'refused', otherKey: `anon:${anon}`, reason: expect.stringContaining(`already belongs to user:${alice}`) })]);
  });

  it('writes the profile summary to the D1 index from its alarm, and removes merged sources', async () => {
    const anon = uid('anon');
    const user = uid('user');
    await ingest({ batch: [track(anon), track(anon)] });
    const anonStub = env.PROFILES.get(env.PROFILES.idFromName(`demo:anon:${anon}`));
    await runDurableObjectAlarm(anonStub);
    const anonId = env.PROFILES.idFromName(`demo:anon:${anon}`).toString();
    const row = await until(() => env.DB.prepare('SELECT event_count, profile_key FROM profiles WHERE tenant_id = ? AND profile_id = ? AND event_count = 2').bind('demo', anonId).first());
    expect(row).toEqual({ event_count: 2, profile_key: `anon:${anon}` });
    await ingest({ batch: [{ type: 'identify', userId: user, anonymousId: anon, messageId: uid(), traits: { name: 'Ada' } }] });
    await runDurableObjectAlarm(anonStub);
    await runDurableObjectAlarm(env.PROFILES.get(env.PROFILES.idFromName(`demo:user:${user}`)));
    const gone = await until(async () => ((await env.DB.prepare('SELECT 1 FROM profiles WHERE tenant_id = ? AND profile_id = ?').bind('demo', anonId).first()) === null ? 'gone' : null));
    expect(gone).toBe('gone');
    // The alarm may already be running on its own (50 ms in tests): wait for its write.
    const userRow = await until(() => env.DB.prepare('SELECT event_count, user_id FROM profiles WHERE tenant_id = ? AND profile_key = ? AND event_count = 3').bind('demo', `user:${user}`).first());
    expect(userRow).toEqual({ event_count: 3, user_id: user });
  });
});
