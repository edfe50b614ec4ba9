import type { ProfileState } from '../profiles/profile-state';
import { resolveProfileConfig } from '../profiles/profile-config';
import { topInterests } from '../profiles/interests';
import type { TemplateData } from './template';

/** A recommendation a template may name (`{{recommendations.0.name}}`). */
export interface Recommendation {
  name: string;
}

/**
 * Reduce a portrait to the fields templates may read (the allow-list in
 * `PLACEHOLDER_FIELDS`) and nothing else, so a decision can never echo other profile data.
 *
 * @example templateDataFromProfile(state, Date.now()) // => { traits: { firstName: 'Ada' }, location: {...}, cart: {...}, ... }
 */
export function templateDataFromProfile(state: ProfileState | null, now: number, recommendations: Recommendation[] = []): TemplateData {
  const t = (key: string): unknown => state?.traits[key]?.value;
  const company = t('company');
  const address = t('address');
  const field = (obj: unknown, key: string): string | undefined => {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
    const v = (obj as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  };
  const scalar = (v: unknown): string | number | undefined => (typeof v === 'string' || typeof v === 'number' ? v : undefined);
  const data: TemplateData = {
    traits: {
      firstName: scalar(t('firstName')),
      lastName: scalar(t('lastName')),
      name: scalar(t('name')),
      username: scalar(t('username')),
      title: scalar(t('title')),
      company: { name: field(company, 'name') },
      address: { city: field(address, 'city'), state: field(address, 'state'), country: field(address, 'country') },
    },
    recommendations: recommendations.slice(0, 3).map((r) => ({ name: r.name })),
  };
  if (!state) return data;
  const loc = state.now?.location;
  data.location = { city: loc?.city ?? undefined, region: loc?.region ?? undefined, country: loc?.country ?? undefined };
  const config = resolveProfileConfig();
  const category = topInterests(state.interests?.category ?? {}, now, config)[0];
  const brand = topInterests(state.interests?.brand ?? {}, now, config)[0];
  data.interests = { category: category ? category.name ?? category.key : undefined, brand: brand ? brand.name ?? brand.key : undefined };
  const items = Object.values(state.commerce?.cart?.items ?? {});
  const top = [...items].sort((a, b) => b.price * b.quantity - a.price * a.quantity)[0];
  data.cart = { items: items.reduce((s, i) => s + i.quantity, 0), topItem: top?.name };
  return data;
}
