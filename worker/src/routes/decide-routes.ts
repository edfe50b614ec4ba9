import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { visitorCors, visitorPreflight } from '../middleware/visitor-cors';
import { authorizeWriteKey, presentedWriteKey } from '../middleware/write-key';
import { IngestError } from '../ingest/ingest-error';
import { takeToken } from '../middleware/marketer-rate-limit';
import { parseJsonBody } from '../ingest/parse-json-body';
import { readTextCapped } from '../ingest/read-text-capped';
import type { Audience } from '../personalization/campaign-types';
import { campaignVisitorId } from '../personalization/campaign-events';
import { decide, type SlotDecision } from '../personalization/decide';
import { MAX_DECIDE_BYTES, parseDecideRequest } from '../personalization/parse-decide-request';
import { portraitFacts } from '../personalization/portrait-facts';
import { cryptoRandom } from '../personalization/random';
import { evaluate } from '../segments/evaluate';
import type { SegmentRule } from '../segments/segment-rule';
import { applyD1Migrations } from '../storage/apply-d1-migrations';
import { activeCampaigns, armStats, saveAssignments, visitorHistory } from '../storage/campaign-store';
import { ensureDevTenant } from '../storage/dev-tenant';
import { readProfileByKey } from '../storage/profile-store';

/** Decisions per minute per client IP and tenant (a page view asks once); RATE_DECIDE_PER_MIN overrides, "0" turns it off. */
export const DECIDE_PER_IP_PER_MIN = 1200;

/**
 * `POST /v1/decide` (write key, as Basic user or `writeKey` in the text/plain JSON body):
 * the banner each requested slot shows for the calling visitor. The answer holds only
 * what the banner shows (campaign id, variant id, holdout flag, resolved plain-text
 * content), never profile data. Contract: packages/personalize/src/decision-types.ts.
 */
export function decideRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.options('/v1/decide', visitorPreflight);
  app.post(
    '/v1/decide',
    visitorCors(),
    handleDecide,
  );
  return app;
}

async function handleDecide(c: Context<AppEnv>): Promise<Response> {
  const env = c.env;
  const now = Date.now();
  await applyD1Migrations(env.DB);
  await ensureDevTenant(env);
  const body = parseJsonBody((await readTextCapped(c.req.raw, MAX_DECIDE_BYTES)).text);
  const parsed = parseDecideRequest(body);
  if (!parsed.ok) throw new IngestError(400, 'invalid_decide_request', `${parsed.error.field} ${parsed.error.message}.`);
  const req = parsed.value;

  const record = await authorizeWriteKey(c, presentedWriteKey(c.req.header('authorization'), req), 'Use the site\'s write key.');
  const tenantId = record.tenantId;
  const perMinute = Number((env as unknown as Record<string, unknown>).RATE_DECIDE_PER_MIN ?? DECIDE_PER_IP_PER_MIN);
  const wait = takeToken(`d|${tenantId}|${c.req.header('cf-connecting-ip') ?? 'unknown'}`, Number.isFinite(perMinute) ? perMinute : DECIDE_PER_IP_PER_MIN);
  if (wait > 0) throw new IngestError(429, 'rate_limited', `Too many decision requests from this address. Retry after ${wait} s.`, wait);

  const slots: Record<string, SlotDecision> = Object.fromEntries(req.slots.map((s) => [s, null]));
  const campaigns = (await activeCampaigns(env.DB, tenantId, now)).filter((k) => req.slots.includes(k.slot));
  if (campaigns.length === 0) return answer(c, slots);

  const visitorId = campaignVisitorId(req.anonymousId, req.userId)!;
  // The portrait is read only when an audience or a template needs it (one Durable Object call).
  const needsPortrait = campaigns.some((k) => !('everyone' in k.audience) || JSON.stringify(k.variants).includes('{{'));
  const [view, history, stats] = await Promise.all([
    needsPortrait ? readProfileByKey(env, tenantId, req.userId ? `user:${req.userId}` : `anon:${req.anonymousId}`, 0) : ({ status: 'not_found' } as const),
    visitorHistory(env.DB, tenantId, visitorId, campaigns.map((k) => k.id)),
    Promise.all(campaigns.map(async (k) => [k.id, await armStats(env.DB, tenantId, k.id, now)] as const)),
  ]);
  const facts = portraitFacts(view.status === 'ok' ? view.profile.portrait : null, now);
  let segments = facts.segments;
  if (!segments && view.status === 'ok' && campaigns.some((k) => 'segment' in k.audience)) {
    const { results } = await env.DB
      .prepare('SELECT segment_id FROM segment_members WHERE tenant_id = ? AND profile_id = ?')
      .bind(tenantId, view.profile.profileId)
      .all<{ segment_id: string }>();
    segments = results.map((r) => r.segment_id);
  }
  const member = new Set(segments ?? []);
  const inAudience = (audience: Audience): boolean => {
    if ('everyone' in audience) return true;
    if ('segment' in audience) return member.has(audience.segment);
    if (!facts.rulePortrait) return false;
    try {
      return evaluate(audience.rule as unknown as SegmentRule, facts.rulePortrait, now);
    } catch {
      return false;
    }
  };
  const result = decide({
    tenant: tenantId, visitorId, slots: req.slots, campaigns, now, inAudience,
    history, stats: Object.fromEntries(stats), data: facts.data, random: cryptoRandom,
  });
  Object.assign(slots, result.slots);
  if (result.newAssignments.length) {
    // Sticky arms are written before answering: a reload must see the same arm.
    await saveAssignments(env.DB, tenantId, visitorId, result.newAssignments, now);
  }
  return answer(c, slots);
}

function answer(c: Context<AppEnv>, slots: Record<string, SlotDecision>): Response {
  return c.json({ slots }, 200, { 'cache-control': 'no-store' });
}

