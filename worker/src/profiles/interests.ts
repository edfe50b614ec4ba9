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

/** Entries kept per kind in the state (the portrait shows `interestTopN`). */
const KEEP = 100;

const decay = (ms: number, halfLifeDays: number) => Math.pow(2, -ms / (halfLifeDays * DAY_MS));

export function addAffinity(map: Record<string, Affinity>, key: string, weight: number, at: number, halfLifeDays: number, name?: string): void {
  const a = Object.hasOwn(map, key) ? map[key] : undefined;
  if (!a) {
    if (Object.keys(map).length >= KEEP) pruneWeakest(map, at, halfLifeDays);
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

function pruneWeakest(map: Record<string, Affinity>, at: number, halfLifeDays: number): void {
  let weakest: string | null = null;
  let low = Infinity;
  for (const [k, a] of Object.entries(map)) {
    const s = scoreAt(a, at, halfLifeDays);
    if (s < low) { low = s; weakest = k; }
  }
  if (weakest !== null) delete map[weakest];
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
