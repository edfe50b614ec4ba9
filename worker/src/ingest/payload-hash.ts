/** The two lanes' multipliers. */
const K1 = 2654435761;
const K2 = 1597334677;

/**
 * A fast 64-bit (as 16 hex chars) hash of an event's client payload, used only to tell a
 * retry (same messageId, same payload) from a conflicting reuse of a messageId.
 * Two independent 32-bit FNV-1a/Murmur-mixed lanes; not cryptographic, and need not be.
 */
export function payloadHash(text: string): string {
  const n = text.length;
  let h1 = 0xdeadbeef ^ n;
  let h2 = 0x41c6ce57 ^ n;
  // Four characters per turn (same result as one per turn, fewer loop checks): stored hashes stay comparable.
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    const c = text.charCodeAt(i + 2);
    const d = text.charCodeAt(i + 3);
    h1 = Math.imul(Math.imul(Math.imul(Math.imul(h1 ^ a, K1) ^ b, K1) ^ c, K1) ^ d, K1);
    h2 = Math.imul(Math.imul(Math.imul(Math.imul(h2 ^ a, K2) ^ b, K2) ^ c, K2) ^ d, K2);
  }
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, K1);
    h2 = Math.imul(h2 ^ c, K2);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
