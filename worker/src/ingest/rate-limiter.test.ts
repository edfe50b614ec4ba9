import { describe, expect, it } from 'vitest';
import { RateLimiter, rateLimitsFrom } from './rate-limiter';

describe('RateLimiter', () => {
  it('refuses past the per-IP allowance with a Retry-After, all or nothing, and refills', () => {
    let now = 0;
    const rl = new RateLimiter({ keyEventsPerMinute: 0, ipEventsPerMinute: 60, ipNewIdsPerMinute: 0 }, () => now);
    expect(rl.check({ tenant: 't', ip: '1.1.1.1', events: 50, anonymousIds: [] }).ok).toBe(true);
    const refused = rl.check({ tenant: 't', ip: '1.1.1.1', events: 20, anonymousIds: [] });
    expect(refused).toEqual({ ok: false, retryAfter: 10, limit: 'events per IP per minute' });
    // Nothing was charged by the refused request: 10 still fit.
    expect(rl.check({ tenant: 't', ip: '1.1.1.1', events: 10, anonymousIds: [] }).ok).toBe(true);
    now += 30_000;
    expect(rl.check({ tenant: 't', ip: '1.1.1.1', events: 30, anonymousIds: [] }).ok).toBe(true);
  });

  it('bounds new anonymous ids per IP, but not returning ones, and keeps tenants apart', () => {
    const rl = new RateLimiter({ keyEventsPerMinute: 0, ipEventsPerMinute: 0, ipNewIdsPerMinute: 3 }, () => 0);
    expect(rl.check({ tenant: 't', ip: 'ip', events: 3, anonymousIds: ['a', 'b', 'c'] }).ok).toBe(true);
    expect(rl.check({ tenant: 't', ip: 'ip', events: 3, anonymousIds: ['a', 'b', 'c'] }).ok).toBe(true);
    expect(rl.check({ tenant: 't', ip: 'ip', events: 1, anonymousIds: ['d'] }).ok).toBe(false);
    expect(rl.check({ tenant: 'other', ip: 'ip', events: 1, anonymousIds: ['d'] }).ok).toBe(true);
  });

  it('reads limits from string bindings; 0 turns one off', () => {
    expect(rateLimitsFrom({ RATE_IP_EVENTS_PER_MIN: '10', RATE_KEY_EVENTS_PER_MIN: '0' })).toMatchObject({ ipEventsPerMinute: 10, keyEventsPerMinute: 0 });
    const off = new RateLimiter({ keyEventsPerMinute: 0, ipEventsPerMinute: 0, ipNewIdsPerMinute: 0 });
    expect(off.check({ tenant: 't', ip: 'ip', events: 1e9, anonymousIds: [] }).ok).toBe(true);
  });
});
