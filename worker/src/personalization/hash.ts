/**
 * FNV-1a (32 bit) over the UTF-16 code units of `text`: a fast, well-spread hash for
 * sticky assignments. Not cryptographic: it only has to be stable across requests,
 * deployments and runtimes, which `Math.random` and per-isolate seeds are not.
 *
 * @example fnv1a('tenant:campaign:visitor') // => 32-bit unsigned integer
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A stable number in [0, 1) for `parts`, spread by a final xorshift-multiply mix so
 * near-identical inputs (visitor ids differing in one character) land far apart.
 *
 * @example unitHash('t1', 'spring-sale', 'anon-42') < 0.1 // in the 10% holdout?
 */
export function unitHash(...parts: string[]): number {
  let h = fnv1a(parts.join('\u001f'));
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
