import { beforeEach, describe, expect, it } from 'vitest';
import { campaignParams } from './campaign-params';
import { campaigns } from './campaigns';
import { fakeCore } from './fake-core';

beforeEach(() => history.replaceState(null, '', '/'));

describe('campaignParams', () => {
  it('maps UTM parameters to Segment names and keeps ad click ids', () => {
    expect(
      campaignParams('?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&gclid=g1&fbclid=f1&msclkid=m1&ttclid=t1&li_fat_id=l1&q=x'),
    ).toEqual({ source: 'news', medium: 'email', name: 'spring', term: 'shoes', content: 'hero', gclid: 'g1', fbclid: 'f1', msclkid: 'm1', ttclid: 't1', li_fat_id: 'l1' });
    expect(campaignParams('?q=shoes&utm_source=')).toBeUndefined();
  });
});

describe('campaigns', () => {
  it('adds the URL campaign to every event and remembers first and last touch after consent', () => {
    history.replaceState(null, '', '/?utm_source=news&utm_campaign=spring');
    const core = fakeCore({ granted: false });
    campaigns().setup(core);
    core.track('A');
    expect(core.events[0].context!.campaign).toEqual({ source: 'news', name: 'spring' });
    expect(core.stored.size).toBe(0); // nothing remembered before consent
    core.setConsent(true);
    expect(JSON.parse(core.stored.get('cf')!)).toEqual({ source: 'news', name: 'spring' });

    // later visit through another campaign: last touch changes, first stays
    history.replaceState(null, '', '/?utm_source=ads&gclid=g2');
    core.track('B');
    // later visit without campaign parameters: carries the last touch
    history.replaceState(null, '', '/shop');
    core.track('C');
    const c = core.events.map((e) => [e.context!.campaign, e.context!.firstTouch]);
    expect(c[1]).toEqual([{ source: 'ads', gclid: 'g2' }, { source: 'news', name: 'spring' }]);
    expect(c[2]).toEqual([{ source: 'ads', gclid: 'g2' }, { source: 'news', name: 'spring' }]);
  });

  it('without consent nothing is remembered across URLs', () => {
    history.replaceState(null, '', '/?utm_source=news');
    const core = fakeCore({ granted: false });
    campaigns().setup(core);
    core.track('A');
    history.replaceState(null, '', '/shop');
    core.track('B');
    expect(core.events[1].context!.campaign).toBeUndefined();
    expect(core.events[1].context!.firstTouch).toBeUndefined();
  });
});
