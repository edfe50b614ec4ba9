import type { ProfileState } from '../profiles/profile-state';
import { renderPortrait, type Portrait } from '../profiles/render-portrait';
import { templateDataFromProfile } from './template-data';
import type { TemplateData } from './template';

/** What a decision needs from a visitor's stored portrait, whatever model the profile object keeps. */
export interface PortraitFacts {
  /** Allow-listed fields for templates, nothing else. */
  data: TemplateData;
  /** Segment ids the portrait says it belongs to (null: the portrait does not track them). */
  segments: string[] | null;
  /** The portrait as segment rules read it (render-portrait's shape). */
  rulePortrait: Portrait | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Read decision facts from a stored portrait: the full model state (`ProfileState`), a
 * rendered `Portrait`, or the collector's base counters (`traits` as plain values).
 * Unknown shapes give an anonymous visitor's facts (defaults in templates, no segments).
 *
 * @example portraitFacts(view.profile.portrait, Date.now()).data // { traits: { firstName: 'Ada' }, ... }
 */
export function portraitFacts(portrait: unknown, now: number): PortraitFacts {
  if (!isObj(portrait)) return { data: templateDataFromProfile(null, now), segments: null, rulePortrait: null };
  if (typeof portrait.v === 'number' && isObj(portrait.identity) && isObj(portrait.commerce) && isObj(portrait.traits)) {
    const state = portrait as unknown as ProfileState;
    let rendered: Portrait | null = null;
    try {
      rendered = renderPortrait(state, { now });
    } catch {
      rendered = null;
    }
    return { data: templateDataFromProfile(state, now), segments: Object.keys(state.segments ?? {}), rulePortrait: rendered };
  }
  const traitsObj = isObj(portrait.traits) ? portrait.traits : {};
  const rendered = isObj(traitsObj.all);
  const plain: Obj = {};
  for (const [k, v] of Object.entries(rendered ? (traitsObj.all as Obj) : traitsObj)) plain[k] = rendered && isObj(v) ? v.value : v;
  // Same reduction as for the full model: through a minimal state holding only traits.
  const state = { traits: Object.fromEntries(Object.entries(plain).map(([k, value]) => [k, { value }])) } as unknown as ProfileState;
  const data = templateDataFromProfile(null, now);
  data.traits = (templateDataFromProfile(state, now) as { traits: unknown }).traits;
  if (rendered) Object.assign(data, renderedExtras(portrait));
  const segments = isObj(portrait.segments) ? Object.keys(portrait.segments) : null;
  const rulePortrait = rendered
    ? (portrait as unknown as Portrait)
    : ({ traits: { all: Object.fromEntries(Object.entries(plain).map(([k, value]) => [k, { value }])), reserved: {}, derived: {} }, events: {}, segments: {} } as unknown as Portrait);
  return { data, segments, rulePortrait };
}

/** Location, top interests and cart from a rendered portrait (render-portrait's `Portrait`). */
function renderedExtras(p: Obj): Obj {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const nowObj = isObj(p.now) ? p.now : {};
  const loc = isObj(nowObj.location) ? nowObj.location : {};
  const interests = isObj(p.interests) ? p.interests : {};
  const top = (list: unknown): string | undefined => {
    const first = Array.isArray(list) && isObj(list[0]) ? list[0] : undefined;
    return first ? str(first.name) ?? str(first.key) : undefined;
  };
  const commerce = isObj(p.commerce) ? p.commerce : {};
  const cart = isObj(commerce.cart) ? commerce.cart : {};
  const items = (Array.isArray(cart.items) ? cart.items : []).filter(isObj);
  const best = [...items].sort((a, b) => Number(b.price) * Number(b.quantity) - Number(a.price) * Number(a.quantity))[0];
  return {
    location: { city: str(loc.city), region: str(loc.region), country: str(loc.country) },
    interests: { category: top(interests.categories), brand: top(interests.brands) },
    cart: { items: items.reduce((n, i) => n + (Number(i.quantity) || 0), 0), topItem: best ? str(best.name) : undefined },
  };
}
