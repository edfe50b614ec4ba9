/**
 * Readers for the enrichment the collector adds to `context` (geo from request.cf,
 * parsed user agent) and for Segment's standard context fields. They accept the
 * field names of Segment's spec and of Cloudflare's `request.cf`.
 */
type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export interface Geo { country: string | null; region: string | null; city: string | null; timezone: string | null }

export function readGeo(context: Obj | null): Geo | null {
  const g = obj(context?.geo) ?? obj(context?.location);
  if (!g) return null;
  const geo: Geo = {
    country: str(g.country) ?? str(g.countryCode),
    region: str(g.region) ?? str(g.regionCode) ?? str(g.state),
    city: str(g.city),
    timezone: str(g.timezone) ?? str(context?.timezone),
  };
  return geo.country || geo.region || geo.city ? geo : null;
}

export interface DeviceInfo { type: string; browser: string | null; os: string | null }

export function readDevice(context: Obj | null): DeviceInfo | null {
  if (!context) return null;
  const device = obj(context.device);
  const browser = obj(context.browser) ?? obj(obj(context.userAgentParsed)?.browser) ?? obj(obj(context.ua)?.browser);
  const os = obj(context.os) ?? obj(obj(context.userAgentParsed)?.os) ?? obj(obj(context.ua)?.os);
  const type = str(device?.type) ?? str(obj(obj(context.userAgentParsed)?.device)?.type) ?? null;
  const b = str(browser?.name);
  const o = str(os?.name);
  if (!type && !b && !o) return null;
  return { type: (type ?? 'desktop').toLowerCase(), browser: b, os: o };
}

/** Campaign parameters without empty values; null when none. */
export function readCampaign(context: Obj | null): Record<string, string> | null {
  const c = obj(context?.campaign);
  if (!c) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) if (typeof v === 'string' && v !== '' && k !== '__proto__') out[k] = v;
  return Object.keys(out).length ? out : null;
}

/** Hosts of recently seen URLs: the same page and referrer URLs recur, and URL parsing is costly. */
const hosts = new Map<string, string | null>();

export function hostOf(url: string | null): string | null {
  if (!url) return null;
  const known = hosts.get(url);
  if (known !== undefined) return known;
  let host: string | null;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    host = null;
  }
  if (hosts.size >= 2_000) hosts.clear();
  hosts.set(url, host);
  return host;
}
