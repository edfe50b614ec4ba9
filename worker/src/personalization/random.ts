/**
 * A seedable pseudo-random source in [0, 1). Decisions take one as a parameter so
 * tests and simulations are reproducible; production passes `cryptoRandom`.
 */
export type Random = () => number;

/**
 * xoshiro128** seeded through a splitmix-style mixer: fast, good enough for Monte Carlo sampling,
 * reproducible for a given seed.
 *
 * @example const rnd = seededRandom(42); rnd(); // same sequence on every run
 */
export function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split() | 1;
  let b = split();
  let c = split();
  let d = split();
  return function next(): number {
    // xoshiro128** step on four 32-bit words.
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform [0, 1) from the platform's CSPRNG (Workers and Node both have `crypto.getRandomValues`). */
export const cryptoRandom: Random = function cryptoRandom(): number {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return buf[0] / 4294967296;
};

/** Standard normal by the Box-Muller transform. */
export function normal(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000), with the `U^(1/shape)` boost for
 * shape < 1.
 */
export function gamma(shape: number, random: Random): number {
  if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(nonZero(random), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = nonZero(random);
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function beta(a: number, b: number, random: Random): number {
  const x = gamma(a, random);
  const y = gamma(b, random);
  return x / (x + y);
}

function nonZero(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  return u;
}
