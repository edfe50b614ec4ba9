/**
 * `url` when it is safe as a banner link or image source: absolute http(s), or relative
 * (`/path` but not `//host`, `path` or `../path` without a scheme, `?query`, `#hash`); otherwise null. No whitespace, control
 * characters or backslashes, which browsers strip or rewrite (`java\tscript:`).
 *
 * @example safeHref('javascript:alert(1)') // => null
 */
export function safeHref(url: unknown): string | null {
  return typeof url === 'string' && /^(?:https?:\/\/[^/\\]|\/(?![/\\])|[?#]|[^:/?#]+(?:[/?#]|$))/i.test(url) && !/[\s\\\0-\x1f\x7f]/.test(url) ? url : null;
}
