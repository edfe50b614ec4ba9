import { isbot } from 'isbot';
import UAParser from 'ua-parser-js';

/** What the collector derives from the request's User-Agent header. */
export interface UserAgentInfo {
  bot: boolean;
  browser?: { name?: string; version?: string };
  os?: { name?: string; version?: string };
  /** `type` is ua-parser's (mobile, tablet, smarttv, ...) or 'desktop' when it says nothing. */
  device?: { type: string; manufacturer?: string; model?: string };
}

const cache = new Map<string, UserAgentInfo>();
const CACHE_SIZE = 500;

/**
 * Parses a User-Agent header with ua-parser-js 1.x (MIT) and flags crawlers and headless
 * browsers with isbot. Results are memoised per isolate: a site's visitors share few UAs.
 *
 * @example
 * parseUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)').bot // true
 */
export function parseUserAgent(ua: string | null | undefined): UserAgentInfo {
  const header = (ua ?? '').slice(0, 512);
  const hit = cache.get(header);
  if (hit) return hit;
  const info = compute(header);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(header, info);
  return info;
}

function compute(header: string): UserAgentInfo {
  if (header === '') return { bot: false };
  const r = new UAParser(header).getResult();
  const info: UserAgentInfo = { bot: isbot(header) };
  if (r.browser.name) info.browser = strip({ name: r.browser.name, version: r.browser.version });
  if (r.os.name) info.os = strip({ name: r.os.name, version: r.os.version });
  if (r.browser.name || r.os.name) {
    info.device = strip({ type: r.device.type ?? 'desktop', manufacturer: r.device.vendor, model: r.device.model });
  }
  return info;
}

function strip<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
