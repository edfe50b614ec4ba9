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
 * browsers with isbot (server SDKs and plain HTTP clients are not bots, see isBrowserBot). Results are memoised per isolate: a site's visitors share few UAs.
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
  const info: UserAgentInfo = { bot: isBrowserBot(header) };
  if (r.browser.name) info.browser = strip({ name: r.browser.name, version: r.browser.version });
  if (r.os.name) info.os = strip({ name: r.os.name, version: r.os.version });
  if (r.browser.name || r.os.name) {
    info.device = strip({ type: r.device.type ?? 'desktop', manufacturer: r.device.vendor, model: r.device.model });
  }
  return info;
}

/**
 * Crawlers and headless browsers that run a page's scripts. Plain HTTP clients (server
 * SDKs such as analytics-node, curl, python-requests) are API clients authenticated by a
 * write key, not bots: isbot flags them too, so only browser-like or self-declared
 * crawler agents count.
 */
function isBrowserBot(header: string): boolean {
  if (!isbot(header)) return false;
  return /mozilla\/|bot\b|bot\/|crawl|spider|slurp|headless/i.test(header);
}

function strip<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
