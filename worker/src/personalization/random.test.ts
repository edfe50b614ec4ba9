import { describe, expect, it } from 'vitest';
import { beta, gamma, seededRandom } from './random';

describe('seededRandom', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it('is uniform on [0, 1)', () => {
    const r = seededRandom(5);
    const bins = new Array(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100000; i++) {
      const x = r();
      if (!(x >= 0 && x < 1)) outside++;
      else bins[Math.floor(x * 10)]++;
    }
    expect(outside).toBe(0);
    for (const n of bins) expect(Math.abs(n - 10000)).toBeLessThan(400);
  });
});

describe('gamma and beta sampling', () => {
  it.each([[0.5], [1], [2.5], [30]])('Gamma(%d) has mean k and variance k', (k) => {
    const r = seededRandom(9);
    const n = 40000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = gamma(k, r);
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(k, k > 10 ? 0 : 1);
    expect(sq / n - mean * mean).toBeGreaterThan(k * 0.9);
    expect(sq / n - mean * mean).toBeLessThan(k * 1.1);
  });

  it('Beta(a, b) has mean a / (a + b)', () => {
    const r = seededRandom(10);
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += beta(7, 93, r);
    expect(sum / 20000).toBeCloseTo(0.07, 2);
  });

  it('refuses a non-positive shape', () => {
    expect(() => gamma(0, seededRandom(1))).toThrow(RangeError);
  });
});
