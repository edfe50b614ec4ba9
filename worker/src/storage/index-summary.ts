/** The list columns of one profile's row in the D1 index. */
export interface IndexSummary {
  userId: string | null;
  anonymousIds: string[];
  name: string | null;
  /** Lower-cased, so `email:` lookups and search are case-insensitive. */
  email: string | null;
  orders: number;
  revenue: number;
  /** Epoch ms of the last order (null without orders): recency for the tenant's RFM cut points. */
  lastOrderAt: number | null;
  rfmSegment: string | null;
  country: string | null;
  firstSeen: number | null;
  lastSeen: number | null;
  /** Scalar traits (string, number, boolean), at most MAX_TRAITS, for `trait.<name>=` filters. */
  traits: Record<string, string | number | boolean>;
}

const MAX_TRAITS = 50;
const MAX_TRAIT_CHARS = 200;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const ms = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  return null;
};

/**
 * Reads the index columns from a portrait as the seam hands it over: the rendered
 * portrait (`identity`, `traits.all`, `commerce`, `rfm`, `behavior`, `now`) or the
 * collector's base counters (`traits`, `userId`, `firstSeen`). Fields a portrait does
 * not have yet stay empty (0 orders, no segment) rather than failing the index write.
 *
 * @example
 * const row = indexSummary(renderedPortrait);
 * row.email; // 'ada@example.com'
 */
export function indexSummary(portrait: unknown): IndexSummary {
  const p = isObj(portrait) ? portrait : {};
  const identity = isObj(p.identity) ? p.identity : {};
  const traitsIn = isObj(p.traits) ? p.traits : {};
  // Rendered portraits keep each trait as { value, firstSeen, ... } under traits.all.
  const rendered = isObj(traitsIn.all);
  const rawTraits: Obj = {};
  for (const [k, v] of Object.entries(rendered ? (traitsIn.all as Obj) : traitsIn)) {
    rawTraits[k] = rendered && isObj(v) && 'value' in v ? v.value : v;
  }
  const first = str(rawTraits.firstName) ?? str(rawTraits.first_name);
  const last = str(rawTraits.lastName) ?? str(rawTraits.last_name);
  const name = str(rawTraits.name) ?? (first || last ? [first, last].filter(Boolean).join(' ') : null);
  const emails = Array.isArray(identity.emails) ? identity.emails : [];
  const email = (str(rawTraits.email) ?? str(emails[emails.length - 1]))?.toLowerCase() ?? null;

  const commerce = isObj(p.commerce) ? p.commerce : {};
  const rfm = isObj(p.rfm) ? p.rfm : {};
  const behavior = isObj(p.behavior) ? p.behavior : {};
  const now = isObj(p.now) ? p.now : {};
  const last_ = isObj(p.last) ? p.last : {};
  const location = isObj(now.location) ? now.location : isObj(last_.location) ? last_.location : {};
  const address = isObj(rawTraits.address) ? rawTraits.address : {};

  const traits: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(rawTraits)) {
    if (Object.keys(traits).length >= MAX_TRAITS) break;
    if (typeof v === 'string') traits[k] = v.slice(0, MAX_TRAIT_CHARS);
    else if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) traits[k] = v;
  }

  const anonymousIds = Array.isArray(identity.anonymousIds) ? identity.anonymousIds : Array.isArray(p.anonymousIds) ? p.anonymousIds : [];
  return {
    userId: str(identity.userId) ?? str(p.userId),
    anonymousIds: anonymousIds.filter((x): x is string => typeof x === 'string'),
    name: name?.slice(0, MAX_TRAIT_CHARS) ?? null,
    email: email?.slice(0, MAX_TRAIT_CHARS) ?? null,
    orders: num(commerce.orders) ?? 0,
    revenue: num(commerce.revenue) ?? 0,
    lastOrderAt: ms(commerce.lastOrderAt),
    rfmSegment: str(rfm.segment),
    country: str(address.country) ?? str(rawTraits.country) ?? str(location.country),
    firstSeen: ms(behavior.firstSeen) ?? ms(p.firstSeen),
    lastSeen: ms(behavior.lastSeen) ?? ms(p.lastSeen),
    traits,
  };
}
