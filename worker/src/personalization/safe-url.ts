/** Longest URL accepted in a variant. */
export const MAX_URL_LENGTH = 2048;

/**
 * Why `url` cannot be used as a banner link or image, or null when it can. Accepted:
 * absolute `http:`/`https:` URLs, and relative references: `/path` (not `//host`),
 * `path` or `../path` (no scheme), `?query`, `#hash`. Refused: every other scheme (`javascript:`, `data:`, `vbscript:`, `blob:`...),
 * scheme-relative `//host`, backslashes, whitespace and control characters (browsers strip
 * some of them, which is how `java\tscript:` slips past naive checks).
 *
 * @example unsafeUrlReason('javascript:alert(1)') // => 'only http(s) or relative URLs are allowed'
 */
export function unsafeUrlReason(url: string): string | null {
  if (url.length === 0) return 'must not be empty';
  if (url.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(url)) return 'must not contain spaces, control characters or backslashes';
  if (url.includes('{{')) return 'placeholders are not allowed in URLs';
  if (url.startsWith('/')) return url.startsWith('//') ? 'scheme-relative URLs (//host) are not allowed; write https://host' : null;
  if (url.startsWith('?') || url.startsWith('#')) return null;
  // A relative path (`cart.html`, `../sale`): no scheme, i.e. no ":" before the first "/", "?" or "#".
  if (!/^[^/?#]*:/.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL or a relative path';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http(s) or relative URLs are allowed';
  if (parsed.username || parsed.password) return 'must not contain credentials';
  return null;
}
