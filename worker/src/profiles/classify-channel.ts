/** Channel of a visit from its campaign parameters and referrer: direct, organic, paid, social, email or referral. */
import { hostOf } from './context-readers';

export type Channel = 'direct' | 'organic' | 'paid' | 'social' | 'email' | 'referral';
export const CHANNELS: readonly Channel[] = ['direct', 'organic', 'paid', 'social', 'email', 'referral'];

const SEARCH = /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|qwant|startpage|naver|seznam|brave)\.[a-z.]+$/;
const SOCIAL = /(^|\.)(facebook\.com|fb\.com|instagram\.com|t\.co|twitter\.com|x\.com|linkedin\.com|lnkd\.in|pinterest\.[a-z.]+|reddit\.com|tiktok\.com|youtube\.com|youtu\.be|snapchat\.com|threads\.net|bsky\.app|mastodon\.social|whatsapp\.com|telegram\.org|vk\.com|weibo\.com)$/;
const MAIL = /(^|\.)(mail\.google\.com|outlook\.live\.com|mail\.yahoo\.com|mail\.proton\.me)$/;
const CLICK_IDS = ['gclid', 'msclkid', 'fbclid', 'ttclid', 'li_fat_id', 'dclid', 'wbraid', 'gbraid'];

export function classifyChannel(campaign: Record<string, string> | null, referrer: string | null, ownHost: string | null): Channel {
  const medium = campaign?.medium?.toLowerCase() ?? '';
  const source = campaign?.source?.toLowerCase() ?? '';
  if (/^(cpc|ppc|paid|paidsearch|paid_search|paid-social|paid_social|paidsocial|cpm|cpv|cpa|display|banner|retargeting|affiliate)$/.test(medium)) return 'paid';
  if (campaign && CLICK_IDS.some((k) => campaign[k])) return 'paid';
  if (/^(e-?mail|newsletter)$/.test(medium) || /newsletter|e-?mail/.test(source)) return 'email';
  if (/^(social|social-network|social-media|sm|social_media)$/.test(medium)) return 'social';
  if (medium === 'organic') return 'organic';
  const host = hostOf(referrer);
  if (host && host !== ownHost) {
    if (MAIL.test(host)) return 'email';
    if (SEARCH.test(host)) return 'organic';
    if (SOCIAL.test(host)) return 'social';
    return 'referral';
  }
  if (medium === 'referral') return 'referral';
  if (source && SOCIAL.test(source.includes('.') ? source : `${source}.com`)) return 'social';
  if (source && SEARCH.test(source.includes('.') ? source : `${source}.com`)) return 'organic';
  return campaign ? 'referral' : 'direct';
}
