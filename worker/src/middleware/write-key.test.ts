import { describe, expect, it } from 'vitest';
import { presentedWriteKey } from './write-key';

const basic = (key: string) => `Basic ${btoa(`${key}:`)}`;

describe('presentedWriteKey', () => {
  it('reads the key of each header, however often the same header comes again', () => {
    expect(presentedWriteKey(basic('wk_a'), undefined)).toBe('wk_a');
    expect(presentedWriteKey(basic('wk_a'), undefined)).toBe('wk_a');
    expect(presentedWriteKey(basic('wk_b'), undefined)).toBe('wk_b');
    expect(presentedWriteKey('Bearer sk_c', undefined)).toBe('sk_c');
    expect(presentedWriteKey(basic('wk_a'), { writeKey: 'wk_body' })).toBe('wk_a');
  });

  it('falls back to the body when the header names no key, also on a repeat', () => {
    for (let i = 0; i < 2; i++) {
      expect(presentedWriteKey(basic(''), { writeKey: 'wk_body' })).toBe('wk_body');
      expect(presentedWriteKey('Digest abc', { writeKey: 'wk_body' })).toBe('wk_body');
    }
    expect(presentedWriteKey(undefined, { writeKey: '' })).toBeUndefined();
  });

  it('refuses Basic credentials that are not base64 every time, even right after a good header', () => {
    expect(presentedWriteKey(basic('wk_a'), undefined)).toBe('wk_a');
    for (let i = 0; i < 2; i++) {
      expect(() => presentedWriteKey('Basic %%%', undefined)).toThrow(expect.objectContaining({ status: 401, code: 'invalid_authorization' }));
    }
  });
});
