import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, apiJson, indexNow, profileId } from './marketer-support';
import { ORIGIN, ingest, post, track, uid } from './support';

/** Every row of every D1 table, as text: where a trace of the person would show. */
async function allD1Text(): Promise<string> {
  const { results: tables } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  let text = '';
  for (const t of tables) {
    const { results } = await env.DB.prepare(`SELECT * FROM "${t.name}"`).all();
    text += `${t.name}: ${JSON.stringify(results)}\n`;
  }
  return text;
}

/** Rows left in a profile object's SQLite tables and its key-value storage. */
async function objectRows(tenantId: string, profileKey: string): Promise<Record<string, number>> {
  const stub = env.PROFILES.get(env.PROFILES.idFromName(`${tenantId}:${profileKey}`));
  return runInDurableObject(stub, async (_obj, state) => {
    const counts: Record<string, number> = {};
    const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").toArray();
    for (const { name } of tables) counts[name] = state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`).one().n;
    counts['(kv)'] = (await state.storage.list()).size;
    counts['(alarm)'] = (await state.storage.getAlarm()) === null ? 0 : 1;
    return counts;
  });
}

/** A person who browsed anonymously, signed in (merge), ordered, and left a rejected event behind. */
async function person() {
  const anon = uid('anon');
  const user = uid('user');
  const email = `${user}@mail.example`;
  const r = await ingest({
    batch: [
      track(anon),
      track(anon, { event: 'Product Added' }),
      { type: 'identify', userId: user, anonymousId: anon, messageId: uid(), traits: { email, name: 'Erin Erased', phone: '+100200' } },
      { type: 'track', userId: user, messageId: uid(), event: 'Order Completed', properties: { order_id: uid('o'), revenue: 99 } },
      { type: 'track', userId: user, messageId: uid() }, // no event name: rejected, kept in dead letters
    ],
  });
  expect(r.body.accepted).toBe(4);
  expect(r.body.rejected).toHaveLength(1);
  await indexNow('demo', [`anon:${anon}`, `user:${user}`]);
  return { anon, user, email };
}

describe('DELETE /v1/profiles/:id (erasure)', () => {
  it('erases the person everywhere, answers 404 afterwards, and drops their later events', async () => {
    const { anon, user, email } = await person();
    const id = profileId('demo', `user:${user}`);
    const now = Date.now();
    await env.DB.prepare('INSERT INTO segment_members (tenant_id, segment_id, profile_id, entered_at) VALUES (?, ?, ?, ?)').bind('demo', 'buyers', id, now).run();
    await env.DB.prepare('INSERT INTO campaign_visitors (tenant_id, campaign_id, visitor_id, arm, assigned_at) VALUES (?, ?, ?, ?, ?)').bind('demo', 'hero', `anon:${anon}`, 'holdout', now).run();
    expect(await allD1Text()).toContain(user);
    expect((await apiJson(`/v1/profiles/user_id:${user}`)).body.profile.eventCount).toBe(4);

    const del = await apiJson(`/v1/profiles/${encodeURIComponent(`email:${email}`)}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    expect(del.body).toMatchObject({ jobId: expect.stringMatching(/^er_/), status: 'completed', profilesErased: 2, eventsErased: 4 });

    for (const ref of [`user_id:${user}`, `anonymous_id:${anon}`, id, `email:${email}`]) {
      expect((await api(`/v1/profiles/${encodeURIComponent(ref)}`)).status, ref).toBe(404);
      expect((await api(`/v1/profiles/${encodeURIComponent(ref)}/events`)).status, ref).toBe(404);
      expect((await api(`/v1/profiles/${encodeURIComponent(ref)}/export`)).status, ref).toBe(404);
    }
    const job = await apiJson(`/v1/profiles/user_id:${user}/erasure/${del.body.jobId}`);
    expect(job.body).toMatchObject({ jobId: del.body.jobId, status: 'completed', via: 'api' });

    // Nothing of the person in any D1 table (index, memberships, banner assignments, dead letters, jobs, suppression list).
    const d1 = await allD1Text();
    for (const trace of [user, anon, email, 'Erin Erased', '+100200']) expect(d1).not.toContain(trace);
    // Nor in either profile object (the anonymous one held the forwarding pointer and merge log).
    for (const key of [`user:${user}`, `anon:${anon}`]) {
      const rows = await objectRows('demo', key);
      expect(Object.values(rows).every((n) => n === 0), `${key}: ${JSON.stringify(rows)}`).toBe(true);
    }

    // Later events with any of their ids are rejected as suppressed, and nothing is stored.
    const later = await ingest({
      batch: [
        track(anon),
        { type: 'track', userId: user, messageId: uid(), event: 'Came Back' },
        { type: 'identify', userId: user, anonymousId: uid('fresh-anon'), messageId: uid(), traits: { email } },
        track(uid('someone-else')),
      ],
    });
    expect(later.status).toBe(200);
    expect(later.body.accepted).toBe(1);
    expect(later.body.rejected.map((r: { reason: string }) => r.reason)).toEqual(['suppressed', 'suppressed', 'suppressed']);
    expect((await api(`/v1/profiles/user_id:${user}`)).status).toBe(404);
    expect((await api(`/v1/profiles/anonymous_id:${anon}`)).status).toBe(404);
    const d1After = await allD1Text();
    for (const trace of [user, anon, email]) expect(d1After).not.toContain(trace);
  });

  it('answers 503 when a storage step fails, and the same DELETE finishes the job afterwards', async () => {
    const { anon, user } = await person();
    const anonStub = env.PROFILES.get(env.PROFILES.idFromName(`demo:anon:${anon}`));
    await runInDurableObject(anonStub, (_obj, state) => {
      state.storage.sql.exec('ALTER TABLE identities RENAME TO identities_offline');
    });
    const failed = await apiJson(`/v1/profiles/user_id:${user}`, { method: 'DELETE' });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ success: false, error: { code: 'erasure_failed' }, jobId: expect.stringMatching(/^er_/) });
    expect(Number(failed.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await apiJson(`/v1/profiles/user_id:${user}/erasure/${failed.body.jobId}`)).body.status).toBe('failed');
    // The person is still findable (their own profile is wiped last), so the retry can finish.
    expect((await api(`/v1/profiles/user_id:${user}`)).status).toBe(200);
    await runInDurableObject(anonStub, (_obj, state) => {
      state.storage.sql.exec('ALTER TABLE identities_offline RENAME TO identities');
    });
    const done = await apiJson(`/v1/profiles/user_id:${user}`, { method: 'DELETE' });
    expect(done.status).toBe(202);
    expect(done.body.status).toBe('completed');
    expect((await api(`/v1/profiles/user_id:${user}`)).status).toBe(404);
    const d1 = await allD1Text();
    for (const trace of [user, anon]) expect(d1).not.toContain(trace);
    for (const key of [`user:${user}`, `anon:${anon}`]) {
      const rows = await objectRows('demo', key);
      expect(Object.values(rows).every((n) => n === 0), `${key}: ${JSON.stringify(rows)}`).toBe(true);
    }
  });

  it('is a 404 for a missing profile and an unknown job', async () => {
    expect((await api(`/v1/profiles/user_id:${uid('nobody')}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api(`/v1/profiles/user_id:x/erasure/er_000`)).status).toBe(404);
  });
});

describe('GET /v1/profiles/:id/export (the person\'s data)', () => {
  it('returns complete machine-readable JSON for that person only', async () => {
    const anon = uid('anon');
    const user = uid('user');
    const reused = uid('m');
    const batch = [
      ...Array.from({ length: 620 }, (_, i) => track(anon, { messageId: `${anon}-${i}`, timestamp: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() })),
      { type: 'identify', userId: user, anonymousId: anon, messageId: uid(), traits: { email: `${user}@mail.example` } },
      { type: 'track', userId: user, messageId: reused, event: 'Signed Up' },
    ];
    expect((await ingest({ batch })).body.accepted).toBe(622);
    // The same messageId with another payload: kept apart as a conflict, still this person's data.
    expect((await ingest({ batch: [{ type: 'track', userId: user, messageId: reused, event: 'Signed Up Twice' }] })).body.rejected[0].reason).toBe('duplicate_conflict');
    const stranger = uid('anon');
    await ingest({ batch: [track(stranger)] });

    const res = await api(`/v1/profiles/anonymous_id:${anon}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="profile-[0-9a-f]{16}\.json"$/);
    const text = await res.text();
    const doc = JSON.parse(text);
    expect(doc.profile).toMatchObject({ profileKey: `user:${user}`, eventCount: 622 });
    expect(doc.profile.identities).toEqual([expect.objectContaining({ profileKey: `anon:${anon}`, status: 'linked' })]);
    expect(doc.profile.mergeLog[0]).toMatchObject({ otherKey: `anon:${anon}`, outcome: 'merged', eventsMoved: 620 });
    expect(doc.profile.portrait.identity).toMatchObject({ userId: user });
    expect(doc.conflicts).toEqual([expect.objectContaining({ messageId: reused, event: expect.objectContaining({ event: 'Signed Up Twice' }) })]);
    expect(doc.events).toHaveLength(622);
    const ids = doc.events.map((e: { messageId: string }) => e.messageId);
    expect(new Set(ids).size).toBe(622);
    for (let i = 0; i < 620; i++) expect(ids).toContain(`${anon}-${i}`);
    const times = doc.events.map((e: { timestamp: string }) => e.timestamp);
    expect([...times].sort()).toEqual(times);
    expect(text).not.toContain(stranger);
  });
});

describe('POST /v1/erase (the SDK: consent.withdraw({ erase: true }))', () => {
  const erase = (body: unknown, headers: Record<string, string> = {}) =>
    SELF.fetch(`${ORIGIN}/v1/erase`, { method: 'POST', headers: { 'content-type': 'text/plain', 'cf-connecting-ip': `10.250.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, ...headers }, body: JSON.stringify(body) });

  it('erases the visitor\'s own profile, never a profile named by userId', async () => {
    const visitor = uid('anon');
    const victim = uid('user');
    await ingest({ batch: [track(visitor), track(visitor), { type: 'track', userId: victim, messageId: uid(), event: 'Order Completed' }] });
    const messageId = uid('erase');
    const res = await erase({ writeKey: 'wk_demo', anonymousId: visitor, userId: victim, messageId }, { origin: 'https://shop.example' });
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const body = (await res.json()) as { jobId: string; status: string };
    expect(body).toMatchObject({ jobId: expect.stringMatching(/^er_/), status: 'completed' });
    expect((await api(`/v1/profiles/anonymous_id:${visitor}`)).status).toBe(404);
    expect((await apiJson(`/v1/profiles/user_id:${victim}`)).body.profile.eventCount).toBe(1);
    // A retry (lost answer) returns the same job.
    const again = await erase({ writeKey: 'wk_demo', anonymousId: visitor, messageId });
    expect(((await again.json()) as { jobId: string }).jobId).toBe(body.jobId);
    // The visitor's later events are dropped.
    const later = await ingest({ batch: [track(visitor)] });
    expect(later.body.rejected[0].reason).toBe('suppressed');
  });

  it('follows a merge: the anonymous id erases the signed-in person it became', async () => {
    const anon = uid('anon');
    const user = uid('user');
    await ingest({ batch: [track(anon), { type: 'identify', userId: user, anonymousId: anon, messageId: uid(), traits: { email: `${user}@x.example` } }] });
    const res = await post('/v1/erase', { anonymousId: anon, messageId: uid() });
    expect(res.status).toBe(202);
    expect((await api(`/v1/profiles/user_id:${user}`)).status).toBe(404);
    expect((await ingest({ batch: [{ type: 'track', userId: user, messageId: uid(), event: 'X' }] })).body.rejected[0].reason).toBe('suppressed');
  });

  it('suppresses a visitor with nothing stored yet, and refuses bad requests clearly', async () => {
    const fresh = uid('anon');
    expect((await erase({ writeKey: 'wk_demo', anonymousId: fresh })).status).toBe(202);
    expect((await ingest({ batch: [track(fresh)] })).body.rejected[0].reason).toBe('suppressed');

    const cases: Array<[unknown, Record<string, string>, number, string]> = [
      [{ writeKey: 'wk_demo' }, {}, 400, 'missing_identity'],
      [{ writeKey: 'wk_demo', anonymousId: 'anonymous' }, {}, 400, 'invalid_id'],
      [{ writeKey: 'wk_demo', anonymousId: { $ne: 1 } }, {}, 400, 'invalid_id'],
      [{ anonymousId: fresh }, {}, 401, 'missing_write_key'],
      [{ writeKey: 'wk_nope', anonymousId: fresh }, {}, 401, 'invalid_write_key'],
      [{ writeKey: 'sk_demo', anonymousId: fresh }, {}, 403, 'secret_key_not_allowed'],
    ];
    for (const [body, headers, status, code] of cases) {
      const res = await erase(body, headers);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const notJson = await SELF.fetch(`${ORIGIN}/v1/erase`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{nope' });
    expect(notJson.status).toBe(400);
  });
});
