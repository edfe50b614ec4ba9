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
    const m = /^(utm_(campaign|source|medium|term|content|id)|gclid|fbclid|msclkid|ttclid|li_fat_id)$/.exec((k = k.toLowerCase()));
    if (m && v) (c ||= {})[m[2] == 'campaign' ? 'name' : m[2] || k] = v.slice(0, 200);
  });
  return c;
};
