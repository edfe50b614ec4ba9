import { describe, expect, it } from 'vitest';
import { spamReferrer } from './spam-referrers';

describe('spamReferrer', () => {
  it('matches spam domains and their subdomains in any URL shape', () => {
    expect(spamReferrer('https://www.semalt.com/crawler?x=1')).toBe('semalt.com');
    expect(spamReferrer('http://user@Darodar.com:8080/')).toBe('darodar.com');
    expect(spamReferrer('https://a.b.buttons-for-website.com')).toBe('buttons-for-website.com');
  });
  it('leaves real referrers and junk alone', () => {
    for (const r of ['https://www.google.com/', 'https://notsemalt.com/', 'semalt.com', '', 'android-app://com.google', null]) {
      expect(spamReferrer(r), String(r)).toBeUndefined();
    }
  });
});
