/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for a binomial proportion `successes / trials`. Unlike the
 * normal (Wald) interval it stays inside [0, 1] and behaves at 0 or few successes,
 * which is where low conversion rates live.
 *
 * @example wilsonInterval(20, 1000) // => { low: 0.0130, high: 0.0307 }
 */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval {
  if (trials <= 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Newcombe's hybrid score interval (1998, method 10) for the difference of two
 * independent proportions p1 - p2, built from each arm's Wilson interval. Used for
 * uplift = conversion rate of a variant minus that of the holdout (absolute,
 * in proportion points).
 *
 * @example newcombeDifference(60, 1000, 20, 1000) // ~ { low: 0.022, high: 0.058 }
 */
export function newcombeDifference(s1: number, n1: number, s2: number, n2: number, z = Z95): Interval {
  if (n1 <= 0 || n2 <= 0) return { low: -1, high: 1 };
  const p1 = s1 / n1;
  const p2 = s2 / n2;
  const a = wilsonInterval(s1, n1, z);
  const b = wilsonInterval(s2, n2, z);
  const d = p1 - p2;
  return {
    low: d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
    high: d + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
  };
}
