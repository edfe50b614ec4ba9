/** Segment's reserved identify traits, typed: values of the wrong type are left out (they stay in `traits.all`). */
import type { ReservedTraits } from '@portrait/protocol';

type Obj = Record<string, unknown>;
const STRING_TRAITS = ['avatar', 'birthday', 'createdAt', 'description', 'email', 'firstName', 'gender', 'id', 'lastName', 'name', 'phone', 'title', 'username', 'website'] as const;

const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);

function pickStrings<K extends string>(source: Obj, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = source[k];
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) out[k] = String(v);
  }
  return out;
}

export function readReservedTraits(traits: Obj): ReservedTraits {
  const out: ReservedTraits = pickStrings(traits, STRING_TRAITS);
  if (!out.name && (out.firstName || out.lastName)) out.name = [out.firstName, out.lastName].filter(Boolean).join(' ');
  const age = typeof traits.age === 'number' ? traits.age : typeof traits.age === 'string' ? Number(traits.age) : Number.NaN;
  if (Number.isFinite(age) && age >= 0) out.age = age;
  const address = obj(traits.address);
  if (address) {
    const a = pickStrings(address, ['city', 'country', 'postalCode', 'state', 'street'] as const);
    if (Object.keys(a).length) out.address = a;
  }
  const company = obj(traits.company);
  if (company) {
    const c: NonNullable<ReservedTraits['company']> = pickStrings(company, ['name', 'industry', 'plan'] as const);
    if (typeof company.id === 'string' || typeof company.id === 'number') c.id = company.id;
    if (typeof company.employee_count === 'number') c.employee_count = company.employee_count;
    if (Object.keys(c).length) out.company = c;
  } else if (typeof traits.company === 'string') {
    out.company = { name: traits.company };
  }
  return out;
}
