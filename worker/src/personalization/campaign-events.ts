import type { Goal } from './campaign-types';
import { HOLDOUT } from './decide';

/** The event shape campaign bookkeeping reads (a stored event). */
export interface CampaignEventInput {
  type: string;
  event?: string;
  anonymousId?: string;
  userId?: string;
  properties?: Record<string, unknown>;
  timestamp: string;
}

/** A `Promotion Viewed` / `Promotion Clicked` sent by personalize.js. */
export interface PromotionFact {
  kind: 'view' | 'click';
  campaignId: string;
  arm: string;
  visitorId: string;
  at: number;
}

/** A track event that may be a campaign goal, with every id it can be attributed to. */
export interface GoalCandidate {
  event: string;
  properties: Record<string, unknown>;
  visitorIds: string[];
  at: number;
}

/**
 * The id campaign bookkeeping keys a visitor by: the browser's anonymous id (what
 * personalize.js asks with, stable across log-in), else the user id.
 */
export function campaignVisitorId(anonymousId: string | undefined, userId: string | undefined): string | null {
  if (anonymousId) return `anon:${anonymousId}`;
  if (userId) return `user:${userId}`;
  return null;
}

/**
 * Split stored events into promotion facts and goal candidates, in time order.
 *
 * @example readCampaignEvents([{ type: 'track', event: 'Promotion Viewed', anonymousId: 'a',
 *   properties: { campaign_id: 'c1', variant_id: 'v1', holdout: false }, timestamp }])
 */
export function readCampaignEvents(events: CampaignEventInput[]): { promotions: PromotionFact[]; goals: GoalCandidate[] } {
  const promotions: PromotionFact[] = [];
  const goals: GoalCandidate[] = [];
  for (const e of events) {
    if (e.type !== 'track' || typeof e.event !== 'string') continue;
    const at = Date.parse(e.timestamp);
    if (Number.isNaN(at)) continue;
    const props = e.properties ?? {};
    const visitorId = campaignVisitorId(e.anonymousId, e.userId);
    if (e.event === 'Promotion Viewed' || e.event === 'Promotion Clicked') {
      const campaignId = props.campaign_id;
      const arm = props.holdout === true ? HOLDOUT : props.variant_id;
      if (visitorId && typeof campaignId === 'string' && typeof arm === 'string' && campaignId && arm) {
        promotions.push({ kind: e.event === 'Promotion Viewed' ? 'view' : 'click', campaignId, arm, visitorId, at });
      }
      continue;
    }
    const ids = [e.anonymousId ? `anon:${e.anonymousId}` : null, e.userId ? `user:${e.userId}` : null].filter((x): x is string => !!x);
    if (ids.length) goals.push({ event: e.event, properties: props, visitorIds: ids, at });
  }
  promotions.sort((a, b) => a.at - b.at);
  goals.sort((a, b) => a.at - b.at);
  return { promotions, goals };
}

/** The event is the goal: same name, and every `where` property equal (numbers compared as numbers). */
export function matchesGoal(goal: Goal, event: string, properties: Record<string, unknown>): boolean {
  if (goal.event !== event) return false;
  for (const [k, want] of Object.entries(goal.where ?? {})) {
    const got = Object.prototype.hasOwnProperty.call(properties, k) ? properties[k] : undefined;
    if (typeof want === 'number' ? Number(got) !== want : got !== want) return false;
  }
  return true;
}

/** A conversion at `at` counts for an exposure first seen at `viewedAt` when inside the goal's window after it. */
export function inAttributionWindow(goal: Goal, viewedAt: number, at: number): boolean {
  return at >= viewedAt && at <= viewedAt + goal.windowHours * 3_600_000;
}
