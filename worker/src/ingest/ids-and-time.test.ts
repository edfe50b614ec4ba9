import { describe, expect, it } from 'vitest';
import { isBlockedId } from './blocked-ids';
import { cleanId } from './clean-id';
import { correctTimestamp } from './correct-timestamp';

describe('cleanId', () => {
  it('removes NUL, control characters and lone surrogates; keeps pairs', () => {
    expect(cleanId('us\u0000er\ud800-1', 'userId')).toEqual({ ok: true, value: 'user-1', changed: true });
    expect(cleanId('😀-1', 'userId')).toEqual({ ok: true, value: '😀-1', changed: false });
    expect(cleanId(42, 'userId')).toEqual({ ok: true, value: '42', changed: false });
    expect(cleanId('  ', 'userId')).toMatchObject({ ok: true, value: undefined });
  });

  it('refuses objects and over-long ids rather than truncating them', () => {
    expect(cleanId({}, 'userId').ok).toBe(false);
    expect(cleanId('a'.repeat(101), 'userId')).toMatchObject({ ok: false, message: expect.stringContaining('100') });
  });
});

describe('isBlockedId', () => {
  it('blocks placeholders, case-insensitively', () => {
    for (const id of ['', 'anonymous', 'NULL', 'undefined', '0', '-1', '[object Object]', '0000-0000', 'NaN', 'guest']) expect(isBlockedId(id), id).toBe(true);
    for (const id of ['user-1', '10', 'a0', '0x1']) expect(isBlockedId(id), id).toBe(false);
  });
});

describe('correctTimestamp', () => {
  const received = Date.UTC(2026, 10, 29, 12);
  it('applies receivedAt - (sentAt - originalTimestamp)', () => {
    const skew = 2 * 86_400_000;
    const r = correctTimestamp(new Date(received - 60_000 + skew).toISOString(), new Date(received + skew).toISOString(), received);
    expect(r.timestamp).toBe(received - 60_000);
    expect(r.flags).toEqual([]);
  });
  it('keeps the timestamp without sentAt (imports)', () => {
    expect(correctTimestamp('2011-01-01T00:00:00Z', undefined, received).timestamp).toBe(Date.UTC(2011, 0, 1));
  });
  it('clamps the far future and flags it; flags 1970 and orders it at receive time', () => {
    const future = correctTimestamp(new Date(received + 3 * 86_400_000).toISOString(), undefined, received);
    expect(future).toMatchObject({ timestamp: received, orderAt: received, flags: ['future_timestamp'] });
    const epoch = correctTimestamp('1970-01-01T00:00:00Z', undefined, received);
    expect(epoch).toMatchObject({ timestamp: 0, orderAt: received, flags: ['implausible_timestamp'] });
    expect(correctTimestamp('not a date', undefined, received)).toMatchObject({ timestamp: received, flags: ['invalid_timestamp'] });
  });
  it('never yields a time a Date cannot hold (an epoch number past year 275760, skew between extreme stamps)', () => {
    expect(correctTimestamp(1e20, undefined, received)).toMatchObject({ timestamp: received, orderAt: received, flags: ['invalid_timestamp'] });
    expect(correctTimestamp(1e20, undefined, received).originalTimestamp).toBeUndefined();
    const skewed = correctTimestamp(-8e15, 8e15, received);
    expect(skewed).toMatchObject({ timestamp: received, orderAt: received, originalTimestamp: -8e15, flags: ['implausible_timestamp'] });
    expect(() => new Date(skewed.timestamp).toISOString()).not.toThrow();
  });
});
