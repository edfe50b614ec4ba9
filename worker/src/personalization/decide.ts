import type { Audience, Campaign, ThemeToken, VariantContent } from './campaign-types';
import { unitHash } from './hash';
import { beta, type Random } from './random';
import { renderTemplate, type TemplateData } from './template';

/** Name of the holdout arm in assignments, stats and reports. */
export const HOLDOUT = 'holdout';

/** What the banner shows: variant content with every template resolved to plain text. */
export interface ResolvedContent {
  headline: string;
  body?: string;
  cta?: { label: string; url: string };
  image?: { url: string; alt: string };
  theme?: Partial<Record<ThemeToken, string>>;
}

/**
 * The answer for one slot: a variant to render, the holdout (keep the page's default
 * content, but still report the impression), or null (no campaign: default content,
 * nothing to report).
 */
export type SlotDecision =
  | { campaign: string; variant: string; holdout: false; content: ResolvedContent }
  | { campaign: string; variant: null; holdout: true }
  | null;

/** Exposure counts the bandit learns from, per variant id. */
export interface ArmStats {
  impressions: number;
  conversions: number;
}

/** What is already known about this visitor for the campaigns in play. */
export interface VisitorHistory {
  /** Arm ('holdout' or a variant id) the visitor was given earlier, per campaign id. */
  assignments?: Record<string, string>;
  /** Times (epoch ms) the visitor saw each campaign's slot, per campaign id. */
  impressions?: Record<string, number[]>;
}

export interface DecideInput {
  tenant: string;
  /** The visitor's canonical id (userId when known, else anonymousId). */
  visitorId: string;
  slots: string[];
  campaigns: Campaign[];
  now: number;
  /** Audience test for this visitor (segment membership / rule evaluation against the portrait). */
  inAudience: (audience: Audience) => boolean;
  history?: VisitorHistory;
  /** Per campaign id, per variant id. Missing = no data yet (uniform prior). */
  stats?: Record<string, Record<string, ArmStats>>;
  /** Allow-listed portrait fields for templates. */
  data: TemplateData;
  random: Random;
}

export interface DecideResult {
  slots: Record<string, SlotDecision>;
  /**
   * Arms given in this call: the caller stores them so the visitor keeps them. `replaces`
   * names an earlier arm that no longer applies (its variant was removed, or the holdout
   * share changed): that visitor starts over in the new arm.
   */
  newAssignments: Array<{ campaign: string; arm: string; replaces?: string }>;
}

/**
 * Choose what each slot shows for one visitor.
 *
 * Per slot, campaigns targeting it are tried by priority (then newest start, then id);
 * the first that is active, scheduled now, matches the audience and is under the
 * visitor's frequency cap wins. A sticky hash of tenant + campaign + visitor puts
 * `holdout` of visitors on the default content; everyone else keeps the variant they
 * were first given, and new visitors get one by Thompson sampling on goal conversions
 * (Beta(1 + conversions, 1 + impressions - conversions) per variant).
 *
 * @example
 * decide({ tenant: 't1', visitorId: 'anon-1', slots: ['hero'], campaigns, now: Date.now(),
 *   inAudience: (a) => 'everyone' in a, data: { traits: { firstName: 'Ada' } }, random: cryptoRandom })
 * // => { slots: { hero: { campaign: 'c1', variant: 'v2', holdout: false, content: {...} } }, newAssignments: [...] }
 */
export function decide(input: DecideInput): DecideResult {
  const slots = new Map<string, SlotDecision>();
  const newAssignments: DecideResult['newAssignments'] = [];
  const ordered = [...input.campaigns].sort(byPriority);
  for (const slot of input.slots) {
    if (slots.has(slot)) continue;
    slots.set(slot, null);
    for (const campaign of ordered) {
      if (campaign.slot !== slot || !isLive(campaign, input.now)) continue;
      if (isCapped(campaign, input.history, input.now)) continue;
      if (!input.inAudience(campaign.audience)) continue;
      const previous = input.history?.assignments?.[campaign.id];
      if (inHoldout(input.tenant, campaign, input.visitorId)) {
        if (previous !== HOLDOUT) newAssignments.push(previous ? { campaign: campaign.id, arm: HOLDOUT, replaces: previous } : { campaign: campaign.id, arm: HOLDOUT });
        slots.set(slot, { campaign: campaign.id, variant: null, holdout: true });
        break;
      }
      let variant = campaign.variants.find((v) => v.id === previous);
      if (!variant) {
        variant = campaign.variants[thompsonPick(campaign.variants.map((v) => input.stats?.[campaign.id]?.[v.id]), input.random)];
        newAssignments.push(previous ? { campaign: campaign.id, arm: variant.id, replaces: previous } : { campaign: campaign.id, arm: variant.id });
      }
      slots.set(slot, { campaign: campaign.id, variant: variant.id, holdout: false, content: resolveContent(variant.content, input.data) });
      break;
    }
  }
  // fromEntries defines own properties: a slot named "__proto__" stays a plain key.
  return { slots: Object.fromEntries(slots), newAssignments };
}

/** Active, and `now` inside [startAt, endAt). */
export function isLive(campaign: Pick<Campaign, 'status' | 'startAt' | 'endAt'>, now: number): boolean {
  if (campaign.status !== 'active') return false;
  if (campaign.startAt && now < Date.parse(campaign.startAt)) return false;
  if (campaign.endAt && now >= Date.parse(campaign.endAt)) return false;
  return true;
}

/** The visitor already saw this campaign `frequencyCap.impressions` times within the period. */
export function isCapped(campaign: Pick<Campaign, 'id' | 'frequencyCap'>, history: VisitorHistory | undefined, now: number): boolean {
  const cap = campaign.frequencyCap;
  if (!cap) return false;
  const since = now - cap.periodHours * 3_600_000;
  let seen = 0;
  for (const at of history?.impressions?.[campaign.id] ?? []) if (at > since && at <= now) seen++;
  return seen >= cap.impressions;
}

/** Sticky: the same visitor is in (or out of) a campaign's holdout on every request. */
export function inHoldout(tenant: string, campaign: Pick<Campaign, 'id' | 'holdout'>, visitorId: string): boolean {
  return campaign.holdout > 0 && unitHash(tenant, campaign.id, visitorId) < campaign.holdout;
}

/** Index of the arm whose Beta(1 + conversions, 1 + failures) draw is highest. */
export function thompsonPick(stats: Array<ArmStats | undefined>, random: Random): number {
  let best = 0;
  let bestDraw = -1;
  stats.forEach((s, i) => {
    const n = Math.max(0, s?.impressions ?? 0);
    const c = Math.min(n, Math.max(0, s?.conversions ?? 0));
    const draw = beta(1 + c, 1 + n - c, random);
    if (draw > bestDraw) {
      bestDraw = draw;
      best = i;
    }
  });
  return best;
}

/** Resolve every text field's placeholders; URLs and theme tokens are copied as validated. */
export function resolveContent(content: VariantContent, data: TemplateData): ResolvedContent {
  const out: ResolvedContent = { headline: renderTemplate(content.headline, data) };
  if (content.body) out.body = renderTemplate(content.body, data);
  if (content.cta) out.cta = { label: renderTemplate(content.cta.label, data), url: content.cta.url };
  if (content.image) out.image = { url: content.image.url, alt: renderTemplate(content.image.alt, data) };
  if (content.theme && Object.keys(content.theme).length) out.theme = { ...content.theme };
  return out;
}

function byPriority(a: Campaign, b: Campaign): number {
  return b.priority - a.priority || (Date.parse(b.startAt ?? '') || 0) - (Date.parse(a.startAt ?? '') || 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
