import { describe, expect, it } from 'vitest';
import { parseDecideRequest } from './parse-decide-request';

describe('parseDecideRequest', () => {
  it('accepts the companion script body and dedupes slots', () => {
    const r = parseDecideRequest({ writeKey: 'wk', anonymousId: 'a1', userId: 'u1', slots: ['hero', 'hero', 'side'], page: { url: 'https://s.example/x', path: '/x', referrer: '' } });
    expect(r).toEqual({ ok: true, value: { writeKey: 'wk', anonymousId: 'a1', userId: 'u1', slots: ['hero', 'side'], page: { url: 'https://s.example/x', path: '/x', referrer: '' } } });
  });

  it.each([
    [null, '(body)'],
    [{ slots: ['hero'] }, 'anonymousId'],
    [{ anonymousId: 'a', slots: [] }, 'slots'],
    [{ anonymousId: 'a', slots: ['<b>'] }, 'slots'],
    [{ anonymousId: 'a', slots: Array.from({ length: 21 }, (_, i) => `s${i}`) }, 'slots'],
    [{ anonymousId: 'a', userId: 5, slots: ['hero'] }, 'userId'],
  ])('refuses %j naming %s', (body, field) => {
    const r = parseDecideRequest(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe(field);
  });
});
