import { LIMITS, SHORT_PATHS, EVENT_TYPES, type EventType, type IngestResponse, type RejectedEvent } from '@portrait/protocol';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { visitorCors, visitorPreflight } from '../middleware/visitor-cors';
import { authorizeWriteKey, presentedWriteKey } from '../middleware/write-key';
import { IngestError } from '../ingest/ingest-error';
import type { GeoInfo, PreparedBatch, RejectedDetail } from '../ingest/ingest-types';
import { parseJsonBody } from '../ingest/parse-json-body';
import { parseUserAgent } from '../ingest/parse-user-agent';
import { prepareBatch } from '../ingest/prepare-batch';
import { RateLimiter, rateLimitsFrom } from '../ingest/rate-limiter';
import { readTextCapped } from '../ingest/read-text-capped';
import { applyD1Migrations } from '../storage/apply-d1-migrations';
import { ensureDevTenant } from '../storage/dev-tenant';
import { bufferCounters, countRequest, recordIngestOutcome } from '../storage/ingest-log';
import { campaignEventsMatter, recordCampaignEvents } from '../storage/campaign-store';
import { lookupKey, type KeyRecord } from '../storage/key-store';
import { storeEvents } from '../storage/profile-store';
import { rejectSuppressed } from '../storage/suppression';

/** Seconds a client should wait after a storage failure before retrying. */
const STORAGE_RETRY_AFTER = 5;

let limiter: { config: string; limiter: RateLimiter } | undefined;

/**
 * The Segment HTTP Tracking API: POST /v1/{batch,track,page,screen,identify,group,alias}
 * and the one-letter forms /v1/{b,t,p,s,i,g,a}, with CORS for browsers.
 */
export function ingestRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const cors = visitorCors();
  app.use('/v1/:path', async function ingestCors(c, next) {
    if (routeType(c.req.param('path')) === undefined) return next();
    if (c.req.method === 'OPTIONS') return visitorPreflight(c);
    return cors(c, next);
  });
  app.post('/v1/:path', async function ingest(c) {
    const route = routeType(c.req.param('path'));
    if (route === undefined) return c.notFound();
    return handleIngest(c, route);
  });
  return app;
}

function routeType(path: string): EventType | 'batch' | undefined {
  if (path === 'batch' || path === 'import') return 'batch';
  if ((EVENT_TYPES as readonly string[]).includes(path)) return path as EventType;
  return SHORT_PATHS[path];
}

async function handleIngest(c: Context<AppEnv>, route: EventType | 'batch'): Promise<Response> {
  const env = c.env;
  const receivedAt = Date.now();
  const headerKey = presentedWriteKey(c.req.header('authorization'), undefined);
  await applyD1Migrations(env.DB);
  await ensureDevTenant(env);

  let body: unknown;
  let bodyBytes = 0;
  try {
    const read = await readTextCapped(c.req.raw, LIMITS.batchBytes);
    bodyBytes = read.bytes;
    body = parseJsonBody(read.text);
  } catch (err) {
    if (err instanceof IngestError && headerKey) background(c, countForKey(env.DB, headerKey, `request:${err.code}`));
    throw err;
  }

  const record = await authorizeWriteKey(c, headerKey ?? presentedWriteKey(undefined, body), 'Use the write key to send events.');

  let prepared: PreparedBatch;
  try {
    prepared = prepareBatch(body, {
      receivedAt,
      userAgent: parseUserAgent(c.req.header('user-agent')),
      geo: geoFrom(c.req.raw),
      gpc: c.req.header('sec-gpc') === '1',
      route,
      bodyBytes,
    });
  } catch (err) {
    if (err instanceof IngestError) background(c, countRequest(env.DB, record.tenantId, `request:${err.code}`, receivedAt));
    throw err;
  }

  // Erased people stay erased: events carrying a suppressed id are rejected ('suppressed').
  await rejectSuppressed(env.DB, record.tenantId, prepared);

  const ip = c.req.header('cf-connecting-ip') ?? null;
  const decision = rateLimiter(env).check({
    tenant: record.tenantId,
    ip,
    events: prepared.events.length + prepared.rejected.length + prepared.discarded.length,
    anonymousIds: prepared.events.filter((e) => e.profileKey.startsWith('anon:')).map((e) => e.profileKey),
  });
  if (!decision.ok) {
    background(c, countRequest(env.DB, record.tenantId, 'request:rate_limited', receivedAt));
    throw new IngestError(429, 'rate_limited', `Too many requests (${decision.limit}). Retry after ${decision.retryAfter} s.`, decision.retryAfter);
  }

  let outcomes;
  try {
    ({ outcomes } = await storeEvents(env, record.tenantId, prepared.events));
  } catch (err) {
    console.error('portrait: storing events failed', err);
    throw new IngestError(503, 'storage_unavailable', 'Events could not be stored durably; nothing was acknowledged. Retry later.', STORAGE_RETRY_AFTER);
  }
  // Personalization bookkeeping (impressions, clicks, goal conversions), after the response.
  const storedEvents = prepared.events.filter((e) => outcomes.get(e.index) === 'accepted').map((e) => e.event);
  if (campaignEventsMatter(record.tenantId, storedEvents)) background(c, recordCampaignEvents(env.DB, record.tenantId, storedEvents));

  let accepted = 0;
  let duplicates = 0;
  const rejected: RejectedDetail[] = [...prepared.rejected];
  for (const e of prepared.events) {
    const outcome = outcomes.get(e.index);
    if (outcome === 'accepted') accepted++;
    else if (outcome === 'duplicate') duplicates++;
    else if (outcome === 'conflict') {
      rejected.push({
        index: e.index,
        messageId: e.event.messageId,
        reason: 'duplicate_conflict',
        message: `messageId ${e.event.messageId} was already stored with a different payload; this copy was kept apart, not merged.`,
        payload: JSON.stringify(e.event).slice(0, 2048),
      });
    }
  }
  const counters = { ...prepared.counters };
  if (duplicates) counters.duplicate = duplicates;
  for (const r of rejected) if (r.reason === 'duplicate_conflict') counters['rejected:duplicate_conflict'] = (counters['rejected:duplicate_conflict'] ?? 0) + 1;
  if (rejected.length === 0 && Object.keys(counters).length > 0) {
    background(c, bufferCounters(env.DB, record.tenantId, counters, receivedAt));
  } else if (rejected.length > 0) {
    try {
      await recordIngestOutcome(env.DB, record.tenantId, { rejected, counters }, receivedAt);
    } catch (err) {
      console.error('portrait: dead-letter write failed', err);
      throw new IngestError(503, 'storage_unavailable', 'Rejected events could not be recorded; retry later (stored events will count as duplicates).', STORAGE_RETRY_AFTER);
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  const response: IngestResponse = {
    success: true,
    accepted,
    duplicates,
    discarded: prepared.discarded.length,
    rejected: rejected.map(({ index, messageId, reason, message }): RejectedEvent => ({ index, messageId, reason, message })),
  };
  return c.json(response, 200);
}

function rateLimiter(env: AppEnv['Bindings']): RateLimiter {
  const limits = rateLimitsFrom(env as unknown as Record<string, unknown>);
  const config = JSON.stringify(limits);
  if (!limiter || limiter.config !== config) limiter = { config, limiter: new RateLimiter(limits) };
  return limiter.limiter;
}

/** Runs a best-effort write after the response (counters); failures are logged, never surfaced. */
function background(c: Context<AppEnv>, work: Promise<void> | null): void {
  if (!work) return;
  const logged = work.catch((err) => console.warn('portrait: counter write failed', err));
  try {
    c.executionCtx.waitUntil(logged);
  } catch {
    /* no execution context (app.request in unit tests): the promise still runs */
  }
}

async function countForKey(db: D1Database, key: string, counter: string): Promise<void> {
  const record: KeyRecord | null = await lookupKey(db, key).catch(() => null);
  if (record && record.kind === 'write') await countRequest(db, record.tenantId, counter);
}

function geoFrom(req: Request): GeoInfo | undefined {
  const cf = (req as Request & { cf?: Record<string, unknown> }).cf;
  if (!cf) return undefined;
  const geo: GeoInfo = {};
  const str = (k: string) => (typeof cf[k] === 'string' && cf[k] !== '' ? (cf[k] as string) : undefined);
  const num = (k: string) => {
    const n = Number(cf[k]);
    return cf[k] !== undefined && Number.isFinite(n) ? n : undefined;
  };
  const fields: Array<[keyof GeoInfo, unknown]> = [
    ['country', str('country')], ['region', str('region')], ['regionCode', str('regionCode')], ['city', str('city')],
    ['postalCode', str('postalCode')], ['continent', str('continent')], ['timezone', str('timezone')],
    ['latitude', num('latitude')], ['longitude', num('longitude')],
  ];
  for (const [k, v] of fields) if (v !== undefined) (geo as Record<string, unknown>)[k] = v;
  return Object.keys(geo).length ? geo : undefined;
}
