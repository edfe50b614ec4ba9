import { describe, expect, it } from 'vitest';
import { payloadHash } from './payload-hash';

/** The hash as first defined (one character per turn): stored hashes must keep matching it. */
function referenceHash(text: string): string {
  let h1 = 0xdeadbeef ^ text.length;
  let h2 = 0x41c6ce57 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

describe('payloadHash', () => {
  it('gives the hashes stored before it read four characters per turn (every length remainder, non-ASCII)', () => {
    const texts = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'é€😀\u0000x', JSON.stringify({ pad: 'x'.repeat(641), price: 19.99 })];
    for (let n = 0; n < 40; n++) texts.push('{"k":"' + 'ü'.repeat(n) + '"}');
    for (const t of texts) expect(payloadHash(t)).toBe(referenceHash(t));
  });

  it('tells payloads apart that differ in one character', () => {
    expect(payloadHash('{"price":19.99}')).not.toBe(payloadHash('{"price":19.98}'));
    expect(payloadHash('ab')).not.toBe(payloadHash('ba'));
    expect(payloadHash('x')).toMatch(/^[0-9a-f]{16}$/);
  });
});
