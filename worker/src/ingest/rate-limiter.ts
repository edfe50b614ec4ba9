/** Limits per minute; 0 or less turns a limit off. */
export interface RateLimits {
  /** Events per write key per minute (all IPs together). */
  keyEventsPerMinute: number;
  /** Events per IP per write key per minute. */
  ipEventsPerMinute: number;
  /** Distinct new anonymous ids per IP per write key per minute (bounds profile creation). */
  ipNewIdsPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  keyEventsPerMinute: 600_000,
  ipEventsPerMinute: 30_000,
  ipNewIdsPerMinute: 300,
};

export type RateDecision = { ok: true } | { ok: false; retryAfter: number; limit: string };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets (refilling continuously, burst = one minute's allowance) for a write key,
 * an IP on that key, and the distinct anonymous ids an IP introduces. A request is
 * charged all-or-nothing, so a 429 never half-accepts a batch. State lives in the
 * isolate: it bounds floods cheaply on the hot path without a shared write per request.
 * Keys are scoped by tenant, so one tenant's flood never throttles another.
 *
 * @example
 * const d = limiter.check({ tenant: 't1', ip: '1.2.3.4', events: 20, anonymousIds: ['a1'] });
 * if (!d.ok) return 429 with Retry-After: d.retryAfter
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly seenIds = new Map<string, number>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 50_000,
  ) {}

  check(req: { tenant: string; ip: string | null; events: number; anonymousIds: Iterable<string> }): RateDecision {
    const t = this.now();
    const charges: Array<{ key: string; perMinute: number; cost: number; limit: string }> = [];
    if (this.limits.keyEventsPerMinute > 0) {
      charges.push({ key: `k|${req.tenant}`, perMinute: this.limits.keyEventsPerMinute, cost: req.events, limit: 'write key events per minute' });
    }
    const newIds: string[] = [];
    if (req.ip) {
      if (this.limits.ipEventsPerMinute > 0) {
        charges.push({ key: `i|${req.tenant}|${req.ip}`, perMinute: this.limits.ipEventsPerMinute, cost: req.events, limit: 'events per IP per minute' });
      }
      if (this.limits.ipNewIdsPerMinute > 0) {
        for (const id of new Set(req.anonymousIds)) {
          const seenKey = `${req.tenant}|${req.ip}|${id}`;
          const seen = this.seenIds.get(seenKey);
          if (seen === undefined || t - seen > 60_000) newIds.push(seenKey);
        }
        if (newIds.length > 0) {
          charges.push({ key: `n|${req.tenant}|${req.ip}`, perMinute: this.limits.ipNewIdsPerMinute, cost: newIds.length, limit: 'new anonymous ids per IP per minute' });
        }
      }
    }
    let worst: RateDecision = { ok: true };
    for (const c of charges) {
      const b = this.refill(c.key, c.perMinute, t);
      if (b.tokens < c.cost) {
        const missing = c.cost - b.tokens;
        const retryAfter = Math.max(1, Math.ceil((missing / c.perMinute) * 60));
        if (worst.ok || retryAfter > worst.retryAfter) worst = { ok: false, retryAfter: Math.min(retryAfter, 3600), limit: c.limit };
      }
    }
    if (!worst.ok) return worst;
    for (const c of charges) this.buckets.get(c.key)!.tokens -= c.cost;
    for (const k of newIds) this.remember(this.seenIds, k, t);
    return worst;
  }

  private refill(key: string, perMinute: number, t: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: perMinute, at: t };
      this.remember(this.buckets, key, b);
      return b;
    }
    b.tokens = Math.min(perMinute, b.tokens + ((t - b.at) / 60_000) * perMinute);
    b.at = t;
    return b;
  }

  /** Bounded maps: the oldest entry goes first when full. */
  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    if (map.size >= this.maxEntries) map.delete(map.keys().next().value as string);
    map.set(key, value);
  }
}

/** Reads limits from string bindings (`RATE_KEY_EVENTS_PER_MIN` ...), falling back to defaults. */
export function rateLimitsFrom(vars: Record<string, unknown>): RateLimits {
  const num = (name: string, fallback: number) => {
    const v = vars[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : fallback;
  };
  return {
    keyEventsPerMinute: num('RATE_KEY_EVENTS_PER_MIN', DEFAULT_RATE_LIMITS.keyEventsPerMinute),
    ipEventsPerMinute: num('RATE_IP_EVENTS_PER_MIN', DEFAULT_RATE_LIMITS.ipEventsPerMinute),
    ipNewIdsPerMinute: num('RATE_IP_NEW_IDS_PER_MIN', DEFAULT_RATE_LIMITS.ipNewIdsPerMinute),
  };
}
