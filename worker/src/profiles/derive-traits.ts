/** Fixed features derived from raw traits (and geo): gender, age, region, occupation, education, zodiac. */


export interface DerivedTraits {
  gender: 'female' | 'male' | 'non-binary' | 'other' | null;
  age: number | null;
  region: { country: string | null; state: string | null; city: string | null; source: 'traits' | 'geo' } | null;
  occupation: string | null;
  education: string | null;
  zodiac: string | null;
}

type Traits = Record<string, unknown>;
type Geo = { country: string | null; region: string | null; city: string | null } | null;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function deriveGender(traits: Traits): DerivedTraits['gender'] {
  const g = str(traits.gender)?.toLowerCase();
  if (g) {
    if (['f', 'female', 'woman', 'w', 'girl'].includes(g)) return 'female';
    if (['m', 'male', 'man', 'boy'].includes(g)) return 'male';
    if (['nb', 'non-binary', 'nonbinary', 'non binary', 'enby'].includes(g)) return 'non-binary';
    return 'other';
  }
  const title = str(traits.salutation ?? traits.honorific)?.toLowerCase().replace(/\.$/, '');
  if (title && ['mr'].includes(title)) return 'male';
  if (title && ['mrs', 'ms', 'miss'].includes(title)) return 'female';
  return null;
}

/** Parses a birthday (ISO date or date-time) into its UTC year, month (1-12) and day; null when invalid. */
export function parseBirthday(value: unknown): { year: number; month: number; day: number } | null {
  const s = str(value);
  if (!s) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Date.parse(s);
  if (!Number.isFinite(t)) return null;
  const d = new Date(t);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function ageOn(birthday: { year: number; month: number; day: number }, now: number): number | null {
  const d = new Date(now);
  let age = d.getUTCFullYear() - birthday.year;
  const m = d.getUTCMonth() + 1;
  if (m < birthday.month || (m === birthday.month && d.getUTCDate() < birthday.day)) age--;
  return age >= 0 && age < 130 ? age : null;
}

const ZODIAC: Array<[number, number, string]> = [
  // [month, last day of the sign that starts the month, sign], then the next sign starts.
  [1, 19, 'Capricorn'], [2, 18, 'Aquarius'], [3, 20, 'Pisces'], [4, 19, 'Aries'], [5, 20, 'Taurus'], [6, 20, 'Gemini'],
  [7, 22, 'Cancer'], [8, 22, 'Leo'], [9, 22, 'Virgo'], [10, 22, 'Libra'], [11, 21, 'Scorpio'], [12, 21, 'Sagittarius'],
];

export function zodiacSign(month: number, day: number): string {
  const [, lastDay, sign] = ZODIAC[month - 1];
  if (day <= lastDay) return sign;
  return ZODIAC[month % 12][2];
}

export function deriveTraits(traits: Traits, geo: Geo, now: number): DerivedTraits {
  const birthday = parseBirthday(traits.birthday);
  let age = birthday ? ageOn(birthday, now) : null;
  if (age === null && typeof traits.age === 'number' && traits.age >= 0 && traits.age < 130) age = Math.floor(traits.age);
  const address = traits.address && typeof traits.address === 'object' ? (traits.address as Traits) : {};
  const tCountry = str(address.country) ?? str(traits.country);
  const tState = str(address.state) ?? str(traits.state) ?? str(traits.region);
  const tCity = str(address.city) ?? str(traits.city);
  let region: DerivedTraits['region'] = null;
  if (tCountry || tState || tCity) region = { country: tCountry, state: tState, city: tCity, source: 'traits' };
  else if (geo && (geo.country || geo.region || geo.city)) region = { country: geo.country, state: geo.region, city: geo.city, source: 'geo' };
  return {
    gender: deriveGender(traits),
    age,
    region,
    occupation: str(traits.occupation) ?? str(traits.jobTitle) ?? str(traits.job_title) ?? str(traits.title),
    education: str(traits.education) ?? str(traits.educationLevel) ?? str(traits.education_level),
    zodiac: birthday ? zodiacSign(birthday.month, birthday.day) : null,
  };
}

