import { describe, expect, it } from 'vitest';
import { sanitizeEvent, stringBytes } from './sanitize-event';

const limits = { maxBytes: 32 * 1024, keys: 10, depth: 3, stringLength: 5 };

describe('sanitizeEvent', () => {
  it('measures the JSON size of the input exactly for plain data', () => {
    const v = { a: 'héllo "q"\n', b: [1, 2.5, null, true], c: { d: '😀' } };
    const r = sanitizeEvent(v, { ...limits, stringLength: 100 });
    expect(r.ok && r.bytes).toBe(new TextEncoder().encode(JSON.stringify(v)).length);
  });

  it('refuses events over maxBytes and stops early on huge strings', () => {
    const r = sanitizeEvent({ s: 'x'.repeat(10_000_000) }, limits);
    expect(r.ok).toBe(false);
    expect(r.bytes).toBeLessThan(limits.maxBytes + 16);
  });

  it('walks 100,000 levels of nesting without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r = sanitizeEvent({ deep }, { ...limits, maxBytes: 1024 * 1024 });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.stats.cutDepth).toBe(1);
  });

  it('drops prototype keys, extra keys and deep values; truncates strings; counts each', () => {
    const input = JSON.parse('{"__proto__":{"admin":true},"constructor":1,"a":"abcdefgh","o":{"p":{"q":{"r":{"s":1}}}},"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8}');
    const r = sanitizeEvent(input, limits);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const out = r.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(false);
    expect(out.a).toBe('abcde');
    expect(out.o).toEqual({ p: { q: {} } });
    expect(Object.keys(out).length).toBeLessThanOrEqual(limits.keys);
    expect(r.stats).toEqual({ unsafeKeys: 2, truncatedStrings: 1, cutDepth: 1, droppedKeys: expect.any(Number) });
    expect(r.stats.droppedKeys).toBeGreaterThan(0);
  });

  it('never splits a surrogate pair when truncating', () => {
    const r = sanitizeEvent({ s: 'abcd😀z' }, limits);
    expect(r.ok && (r.value as { s: string }).s).toBe('abcd');
  });

  it('counts escapes and lone surrogates like JSON.stringify', () => {
    for (const s of ['\u0001', '\ud800', 'a\\b', '\t']) expect(stringBytes(s, 1e9)).toBe(new TextEncoder().encode(JSON.stringify(s)).length);
  });
});

describe('sanitizeEvent without measuring', () => {
  const inputs: Array<[string, unknown]> = [
    ['plain', { a: 'short', b: [1, 2.5, null, true, { c: 'x' }], d: { e: { f: 1 } } }],
    ['prototype key', JSON.parse('{"a":1,"__proto__":{"polluted":true},"b":{"constructor":1}}')],
    ['too many keys', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]))],
    ['too deep', { a: { b: { c: { d: { e: 1 } } } } }],
    ['long string', { a: 'toolongstring', b: ['x', 'abcdefgh'] }],
    ['deep array', [[[[['x']]]]]],
    ['100,000 levels', JSON.parse('['.repeat(100_000) + ']'.repeat(100_000))],
  ];

  it('gives the same value and counts as the measuring copy, for clean and unclean input alike', () => {
    for (const [name, input] of inputs) {
      const copied = sanitizeEvent(input, { ...limits, maxBytes: 1024 * 1024 });
      const fast = sanitizeEvent(input, { ...limits, maxBytes: 1024 * 1024, measure: false });
      expect(fast.ok, name).toBe(true);
      expect(copied.ok, name).toBe(true);
      if (!fast.ok || !copied.ok) continue;
      expect(fast.value, name).toEqual(copied.value);
      expect(fast.stats, name).toEqual(copied.stats);
      // No prototype is ever reached, whichever path ran.
      expect(({} as Record<string, unknown>).polluted, name).toBeUndefined();
    }
  });

  it('uses clean input as it is (no second tree), and copies input that needs any change', () => {
    const clean = inputs[0][1];
    const r = sanitizeEvent(clean, { ...limits, measure: false });
    expect(r.ok && r.value).toBe(clean);
    for (const [name, input] of inputs.slice(1)) {
      const r = sanitizeEvent(input, { ...limits, measure: false });
      expect(r.ok && r.value, name).not.toBe(input);
    }
  });
});
