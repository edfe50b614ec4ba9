import type { CampaignContext } from '@portrait/protocol';

/**
 * The campaign a URL query carries: UTM parameters (Segment names: `utm_campaign`
 * -> `name`, `utm_source` -> `source`, ...) and ad click ids (gclid, fbclid,
 * msclkid, ttclid, li_fat_id, kept under their own names). Undefined when none.
 *
 * @example campaignParams('?utm_source=news&gclid=x') // { source: 'news', gclid: 'x' }
 */
export const campaignParams = (search: string): CampaignContext | undefined => {
  let c: CampaignContext | undefined;
  new URLSearchParams(search).forEach((v, k) => {
    k = k.toLowerCase();
    const n =
      k == 'utm_campaign' ? 'name' : /^utm_(source|medium|term|content|id)$/.test(k) ? k.slice(4) : /^(gclid|fbclid|msclkid|ttclid|li_fat_id)$/.test(k) && k;
    if (n && v) (c ||= {})[n] = v.slice(0, 200);
  });
  return c;
};
