import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoff, MAX_RETRY_WAIT } from './backoff';

afterEach(() => vi.restoreAllMocks());

describe('backoff', () => {
  it('draws full jitter: uniform in [0, 1 s * 2^attempt)', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    expect(backoff(0)).toBeCloseTo(999);
    expect(backoff(3)).toBeCloseTo(7992);
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(backoff(5)).toBe(0);
  });

  it('grows exponentially and is capped at 5 minutes', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const waits = [0, 1, 2, 3, 4].map((a) => backoff(a));
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(backoff(30)).toBe(MAX_RETRY_WAIT * 0.5);
    vi.spyOn(Math, 'random').mockReturnValue(0.9999999);
    expect(backoff(40)).toBeLessThan(MAX_RETRY_WAIT);
    expect(MAX_RETRY_WAIT).toBe(300_000);
  });

  it('honours Retry-After in seconds, capped at 5 minutes', () => {
    expect(backoff(0, '120')).toBe(120_000);
    expect(backoff(7, '0')).toBe(0);
    expect(backoff(0, '86400')).toBe(300_000);
  });

  it('honours Retry-After as an HTTP date', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    expect(backoff(0, 'Thu, 01 Jan 2026 00:00:30 GMT')).toBe(30_000);
    expect(backoff(0, 'Wed, 31 Dec 2025 23:00:00 GMT')).toBe(0);
    expect(backoff(0, 'Fri, 02 Jan 2026 00:00:00 GMT')).toBe(300_000);
    vi.useRealTimers();
  });

  it('falls back to jitter when Retry-After is unreadable', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(backoff(2, 'soon')).toBe(2000);
  });
});
