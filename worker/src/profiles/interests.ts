/**
 * Interests: a decaying affinity per category, brand and product. A signal of weight w
 * at time t adds w * 2^-((T - t) / halfLife) to the score as seen at time T, so the
 * result is the same whatever order the signals arrive in.
 */
import type { Affinity, ProfileState } from './profile-state';
import type { ProfileConfig } from './profile-config';
import { DAY_MS } from './event-time';

export type InterestKind = 'category' | 'brand' | 'product';
export type InterestSignal = keyof ProfileConfig['interestWeights'];

/** Entries kept per kind in the state (the portrait shows `interestTopN`); pruned back to KEEP once PRUNE_AT is reached. */
const KEEP = 100;
const PRUNE_AT = 125;

const decay = (ms: number, halfLifeDays: number) => Math.pow(2, -ms / (halfLifeDays * DAY_MS));

export function addAffinity(map: Record<string, Affinity>, key: string, weight: number, at: number, halfLifeDays: number, name?: string): void {
  const a = Object.hasOwn(map, key) ? map[key] : undefined;
  if (!a) {
    if (countKeys(map, PRUNE_AT) >= PRUNE_AT) pruneWeakest(map, at, halfLifeDays);
    map[key] = name ? { score: weight, at, signals: 1, name } : { score: weight, at, signals: 1 };
    return;
  }
  if (at >= a.at) {
    a.score = a.score * decay(at - a.at, halfLifeDays) + weight;
    a.at = at;
    if (name) a.name = name;
  } else {
    a.score += weight * decay(a.at - at, halfLifeDays);
    if (name && !a.name) a.name = name;
  }
  a.signals++;
}

/** Counts own keys, stopping at `limit` (cheaper than Object.keys on every signal). */
function countKeys(map: object, limit: number): number {
  let n = 0;
  for (const _ in map) if (++n >= limit) break;
  return n;
}

/** Drops the weakest entries (by score now) until KEEP - 1 remain, so pruning runs once per 25 new keys. */
function pruneWeakest(map: Record<string, Affinity>, at: number, halfLifeDays: number): void {
  const ranked = Object.entries(map).map(([k, a]) => [k, scoreAt(a, at, halfLifeDays)] as const).sort((x, y) => x[1] - y[1]);
  for (let i = 0; i < ranked.length - (KEEP - 1); i++) delete map[ranked[i][0]];
}

export function scoreAt(a: Affinity, now: number, halfLifeDays: number): number {
  return now >= a.at ? a.score * decay(now - a.at, halfLifeDays) : a.score;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);

/** Adds a signal for a product (and its category and brand). */
export function applyInterest(state: ProfileState, product: Record<string, unknown>, signal: InterestSignal, at: number, config: ProfileConfig, units = 1): void {
  const weight = config.interestWeights[signal] * units;
  if (!(weight > 0)) return;
  const h = config.interestHalfLifeDays;
  const id = str(product.product_id) ?? str(product.productId) ?? str(product.sku);
  const name = str(product.name) ?? undefined;
  if (id ?? name) addAffinity(state.interests.product, (id ?? name)!, weight, at, h, name);
  const category = str(product.category);
  if (category) addAffinity(state.interests.category, category, weight, at, h);
  const brand = str(product.brand);
  if (brand) addAffinity(state.interests.brand, brand, weight, at, h);
}

export interface InterestScore { key: string; name?: string; score: number; signals: number; lastSignalAt: string }

export function topInterests(map: Record<string, Affinity>, now: number, config: ProfileConfig): InterestScore[] {
  return Object.entries(map)
    .map(([key, a]) => {
      const row: InterestScore = { key, score: Math.round(scoreAt(a, now, config.interestHalfLifeDays) * 1000) / 1000, signals: a.signals, lastSignalAt: new Date(a.at).toISOString() };
      if (a.name) row.name = a.name;
      return row;
    })
    .sort((x, y) => y.score - x.score || x.key.localeCompare(y.key))
    .slice(0, config.interestTopN);
}
