/**
 * Tenant settings that shape how events become a portrait. Every field has a default,
 * so `applyEvent(state, event)` works without any configuration.
 */
import type { ComputedTraitDefinition } from './computed-traits';

export interface ProfileConfig {
  /**
   * Base currency of `commerce.revenue`, ISO 4217; events without `currency` are in it.
   * null (the default, for a tenant that has not chosen): each profile reports in the
   * currency most of its orders use.
   */
  currency: string | null;
  /**
   * Value of one unit of each other currency in the base currency
   * (e.g. `{ EUR: 0.86 }` with base GBP). Orders in a currency without a rate are
   * counted in `orders` and `revenueByCurrency` but left out of `revenue`.
   */
  exchangeRates: Record<string, number>;
  /** Interest scores halve after this many days without new signals. */
  interestHalfLifeDays: number;
  /** How many entries per interest kind the portrait shows. */
  interestTopN: number;
  /** Weights of the signals that build interests. */
  interestWeights: { view: number; click: number; wishlist: number; cartAdd: number; purchase: number };
  /** A cart with items and no cart activity for this long is flagged abandoned. */
  cartAbandonAfterMinutes: number;
  /** Inactivity that ends a session when the event carries no `context.session.id`. */
  sessionTimeoutMinutes: number;
  /** Daily per-event counts older than this are folded into the event's total only. */
  eventCountRetentionDays: number;
  /** Computed traits of the tenant, updated as events arrive. */
  computedTraits: ComputedTraitDefinition[];
}

export const DEFAULT_PROFILE_CONFIG: ProfileConfig = {
  currency: null,
  exchangeRates: {},
  interestHalfLifeDays: 30,
  interestTopN: 10,
  interestWeights: { view: 1, click: 1, wishlist: 2, cartAdd: 3, purchase: 5 },
  cartAbandonAfterMinutes: 60,
  sessionTimeoutMinutes: 30,
  eventCountRetentionDays: 400,
  computedTraits: [],
};

const resolved = new WeakMap<object, ProfileConfig>();

/** Fills the defaults in; unknown or invalid values fall back to the default. Cached per config object. */
export function resolveProfileConfig(config?: Partial<ProfileConfig>): ProfileConfig {
  if (!config || config === DEFAULT_PROFILE_CONFIG) return DEFAULT_PROFILE_CONFIG;
  let r = resolved.get(config);
  if (!r) {
    r = resolve(config);
    resolved.set(config, r);
  }
  return r;
}

function resolve(config: Partial<ProfileConfig>): ProfileConfig {
  const d = DEFAULT_PROFILE_CONFIG;
  const pos = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback);
  return {
    currency: typeof config.currency === 'string' && /^[A-Za-z]{3}$/.test(config.currency) ? config.currency.toUpperCase() : d.currency,
    exchangeRates: config.exchangeRates ?? d.exchangeRates,
    interestHalfLifeDays: pos(config.interestHalfLifeDays, d.interestHalfLifeDays),
    interestTopN: Math.floor(pos(config.interestTopN, d.interestTopN)),
    interestWeights: { ...d.interestWeights, ...(config.interestWeights ?? {}) },
    cartAbandonAfterMinutes: pos(config.cartAbandonAfterMinutes, d.cartAbandonAfterMinutes),
    sessionTimeoutMinutes: pos(config.sessionTimeoutMinutes, d.sessionTimeoutMinutes),
    eventCountRetentionDays: pos(config.eventCountRetentionDays, d.eventCountRetentionDays),
    computedTraits: Array.isArray(config.computedTraits) ? config.computedTraits : d.computedTraits,
  };
}
