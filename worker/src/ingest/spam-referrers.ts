/**
 * Referrer-spam domains (the long-running offenders from the Matomo referrer-spam list).
 * A page view "referred" by one of them is never a visit; it is discarded and counted.
 */
const SPAM_DOMAINS = new Set([
  'semalt.com', 'semalt.semalt.com', 'buttons-for-website.com', 'buttons-for-your-website.com',
  'darodar.com', 'best-seo-offer.com', 'best-seo-solution.com', 'blackhatworth.com',
  'hulfingtonpost.com', 'ilovevitaly.com', 'ilovevitaly.ru', 'priceg.com', 'savetubevideo.com',
  'kambasoft.com', 'social-buttons.com', 'free-social-buttons.com', 'get-free-traffic-now.com',
  'free-share-buttons.com', 'trafficmonetize.org', 'webmonetizer.net', 'floating-share-buttons.com',
  'simple-share-buttons.com', '4webmasters.org', 'event-tracking.com', 'get-free-social-traffic.com',
  'success-seo.com', 'videos-for-your-business.com', 'rank-checker.online', 'site-auditor.online',
  'traffic2money.com', 'econom.co', 'make-money-online.com', 'o-o-6-o-o.com', 'humanorightswatch.org',
  'sharebutton.net', 'sharebutton.to', 'descargar-musica-gratis.net', 'cenoval.ru', 'cenokos.ru',
  'vodkoved.ru', 'iskalko.ru', 'luxup.ru', 'seoexperimenty.ru', 'anticrawler.org', 'offers.bycontext.com',
  'adf.ly', 'googlsucks.com', 'theguardlan.com', 'fix-website-errors.com', 'copyrightclaims.org',
]);

/**
 * The spam domain a referrer URL belongs to (itself or a parent domain), or undefined.
 *
 * @example
 * spamReferrer('https://www.semalt.com/?ref=x') // 'semalt.com'
 */
export function spamReferrer(referrer: unknown): string | undefined {
  if (typeof referrer !== 'string' || referrer === '') return undefined;
  // A batch usually repeats one referrer: remember the last few answers.
  if (memo.has(referrer)) return memo.get(referrer);
  const found = lookup(referrer);
  if (memo.size >= 256) memo.delete(memo.keys().next().value as string);
  memo.set(referrer, found);
  return found;
}

const memo = new Map<string, string | undefined>();

function lookup(referrer: string): string | undefined {
  // The host sits between "//" and the next "/", "?", "#" or ":"; no URL object per event.
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]+)/i.exec(referrer);
  if (!match) return undefined;
  const host = match[1].toLowerCase();
  const parts = host.split('.');
  for (let i = 0; i < parts.length - 1; i++) {
    const candidate = parts.slice(i).join('.');
    if (SPAM_DOMAINS.has(candidate)) return candidate;
  }
  return undefined;
}
