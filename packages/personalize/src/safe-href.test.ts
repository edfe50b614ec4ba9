import { describe, expect, it } from 'vitest';
import { safeHref } from './safe-href';

describe('safeHref', () => {
  it.each(['https://shop.example.com/sale?x=1', 'http://127.0.0.1:8787/', 'HTTPS://EXAMPLE.COM', '/cart', '/', 'cart.html', '../sale/', '?promo=1', '#offers'])('keeps %j', (url) => {
    expect(safeHref(url)).toBe(url);
  });

  it.each([
    'javascript:alert(1)',
    ' javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:x',
    '//evil.example.com',
    '/\\evil.example.com',
    'https:\\\\evil.example.com',
    'https:///x',
    'mailto:x@example.com',
    'about:blank',
    '',
    'https://a.example/\u0000',
  ])('drops %j', (url) => {
    expect(safeHref(url)).toBeNull();
  });

  it('drops non-strings', () => {
    expect(safeHref({ toString: () => '/x' })).toBeNull();
    expect(safeHref(undefined)).toBeNull();
  });
});
