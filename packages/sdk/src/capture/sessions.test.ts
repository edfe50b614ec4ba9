import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeCore } from './fake-core';
import { sessions } from './sessions';

const at = (min: number) => vi.setSystemTime(Date.UTC(2026, 0, 1) + min * 60_000);

beforeEach(() => {
  vi.useFakeTimers();
  at(0);
  history.replaceState(null, '', '/');
});
afterEach(() => vi.useRealTimers());

describe('sessions', () => {
  it('puts id, count and start into every event; 30 idle minutes start a new session', () => {
    const core = fakeCore();
    sessions().setup(core);
    core.track('A');
    at(29);
    core.page();
    at(58); // 29 min after the last event: same session
    core.track('B');
    at(89); // 31 min idle
    core.track('C');
    const s = core.events.map((e) => e.context!.session!);
    expect(s[0]).toEqual({ id: expect.any(String), count: 1, start: '2026-01-01T00:00:00.000Z' });
    expect(s[1]).toEqual(s[0]);
    expect(s[2]).toEqual(s[0]);
    expect(s[3]).toMatchObject({ count: 2, start: '2026-01-01T01:29:00.000Z' });
    expect(s[3].id).not.toBe(s[0].id);
  });

  it('a visit through a new campaign starts a new session, the same campaign does not', () => {
    const core = fakeCore();
    sessions().setup(core);
    core.track('A');
    history.replaceState(null, '', '/?utm_source=news&utm_campaign=spring');
    core.track('B');
    core.track('C');
    history.replaceState(null, '', '/next');
    core.track('D');
    history.replaceState(null, '', '/?gclid=abc');
    core.track('E');
    expect(core.events.map((e) => e.context!.session!.count)).toEqual([1, 2, 2, 2, 3]);
  });

  it('persists only after consent; a later page load continues the stored session', () => {
    const first = fakeCore({ granted: false });
    sessions().setup(first);
    first.track('A');
    expect(first.stored.size).toBe(0);
    first.setConsent(true);
    first.track('B');
    expect(first.stored.size).toBe(1);
    const id = first.events[1].context!.session!.id;
    expect(first.events[0].context!.session!.id).toBe(id);

    const next = fakeCore();
    for (const [k, v] of first.stored) next.stored.set(k, v);
    sessions().setup(next);
    at(10);
    next.track('C');
    expect(next.events[0].context!.session).toMatchObject({ id, count: 1 });
  });
});
