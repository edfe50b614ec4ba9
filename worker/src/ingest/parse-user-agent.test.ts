import { describe, expect, it } from 'vitest';
import { parseUserAgent } from './parse-user-agent';

describe('parseUserAgent', () => {
  it('flags crawlers and headless browsers', () => {
    for (const ua of [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Googlebot/2.1 (+http://www.google.com/bot.html)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    ]) expect(parseUserAgent(ua).bot, ua).toBe(true);
  });

  it('does not flag browsers or server-side API clients', () => {
    for (const ua of ['analytics-node-next/latest', 'node', 'curl/8.5.0', 'python-requests/2.31',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1']) {
      expect(parseUserAgent(ua).bot, ua).toBe(false);
    }
  });

  it('parses browser, OS and device type', () => {
    const info = parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1');
    expect(info.browser?.name).toBe('Mobile Safari');
    expect(info.os).toEqual({ name: 'iOS', version: '17.0' });
    expect(info.device).toMatchObject({ type: 'mobile', manufacturer: 'Apple', model: 'iPhone' });
    expect(parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36').device?.type).toBe('desktop');
  });
});
