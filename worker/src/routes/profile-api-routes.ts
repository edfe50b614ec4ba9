import { EVENT_TYPES } from '@portrait/protocol';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { errorBody, httpError } from '../middleware/error-handler';
import { secretKeyAuth } from '../middleware/secret-key-auth';
import { eraseProfile, readErasureJob } from '../storage/erasure';
import { hasSegmentMembers, listProfiles, scanProfiles } from '../storage/profile-index';
import { parseProfileRef, resolveProfile, type ResolvedProfile } from '../storage/profile-resolve';
import type { TimelineQuery } from '../storage/profile-timeline';
import { decodeCursor, encodeCursor } from './cursor';
import { exportStream, type ExportFormat } from './export-stream';
import { FILTER_PARAMS, listCursor, parseListPage, parseProfileFilter } from './profile-list-params';
import { enumParam, intParam, listParam, timeParam } from './query-params';
import { ERROR_SCHEMA, RouteRegistry, type RouteParam } from './route-registry';
import {
  ERASURE_JOB_SCHEMA, EVENT_SCHEMA, PERSON_EXPORT_SCHEMA, PROFILE_LIST_ITEM_SCHEMA, PROFILE_VIEW_SCHEMA,
} from './profile-api-schemas';

const DEFAULT_EVENTS = 50;
const MAX_EVENTS = 500;
const EXPORT_PAGE = 500;

const ID_PARAM: RouteParam = {
  name: 'id', in: 'path', required: true,
  description: '`user_id:<userId>`, `anonymous_id:<anonymousId>`, `email:<address>` or the profile id (64 hex).',
  schema: { type: 'string' },
};
const NOT_FOUND = { description: 'No such profile for this key (missing, erased, or another tenant\'s: all answered alike).', schema: ERROR_SCHEMA };

/** The one 404 of the marketer API: same status, body and size whatever the reason. */
function notFound(c: Context<AppEnv>): Response {
  return c.json(errorBody('not_found', 'No profile with this id.'), 404);
}

async function resolveRef(c: Context<AppEnv>): Promise<ResolvedProfile | null> {
  const ref = parseProfileRef(c.req.param('id') ?? '');
  return ref ? resolveProfile(c.env, c.get('tenantId'), ref) : null;
}

interface EventsCursor {
  p: string;
  o: 'asc' | 'desc';
  t: number;
  s: number;
}
const isEventsCursor = (v: unknown): v is EventsCursor => {
  const c = v as EventsCursor;
  return typeof c === 'object' && c !== null && typeof c.p === 'string' && (c.o === 'asc' || c.o === 'desc') && Number.isFinite(c.t) && Number.isInteger(c.s);
};

async function segmentExists(c: Context<AppEnv>, segmentId: string | undefined): Promise<boolean> {
  if (segmentId === undefined) return true;
  if (!(await hasSegmentMembers(c.env.DB))) return false;
  const row = await c.env.DB.prepare('SELECT 1 AS ok FROM segments WHERE tenant_id = ? AND id = ?').bind(c.get('tenantId'), segmentId).first();
  return row !== null;
}

/**
 * The marketer profile API (secret key): list with filters and keyset cursors, one
 * profile by any of its ids, its timeline, streamed exports, per-person export and
 * erasure. Every route is declared in `registry`, which builds `/v1/openapi.json`.
 * No CORS headers anywhere: this API is for servers, never for a browser page.
 */
export function profileApiRoutes(registry: RouteRegistry<AppEnv>, allRoutes: () => Array<{ method: string; path: string }>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const use = [secretKeyAuth()];

  registry.define(app, {
    method: 'get', path: '/v1/openapi.json', operationId: 'getOpenApi', tags: ['Meta'], auth: 'none',
    summary: 'This document: the OpenAPI 3.1 description of the collector, built from its route definitions.',
    responses: { 200: { description: 'OpenAPI 3.1 document.', schema: { type: 'object' } } },
    handler: (c) =>
      c.json(
        registry.document(
          { title: 'Portrait collector API', version: '1.0.0', description: 'Marketer profile API (secret key) and the privacy endpoints of the Portrait collector.' },
          allRoutes(),
        ),
      ),
  });

  registry.define(app, {
    method: 'get', path: '/v1/profiles', operationId: 'listProfiles', tags: ['Profiles'], auth: 'secret', use,
    summary: 'List profiles from the index, filtered and sorted, with an opaque cursor.',
    description: 'Reads the D1 index the profile objects update within seconds of their events. Pages are keyset-paginated: rows arriving between pages never repeat or shift a page.',
    params: [
      ...FILTER_PARAMS,
      { name: 'sort', in: 'query', description: 'Sort column.', schema: { enum: ['last_seen', 'revenue', 'orders'], default: 'last_seen' } },
      { name: 'order', in: 'query', description: 'Sort direction.', schema: { enum: ['asc', 'desc'], default: 'desc' } },
      { name: 'limit', in: 'query', description: 'Rows per page.', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      { name: 'cursor', in: 'query', description: '`nextCursor` of the previous page.', schema: { type: 'string' } },
    ],
    responses: {
      200: {
        description: 'One page.',
        schema: { type: 'object', required: ['data', 'nextCursor'], properties: { data: { type: 'array', items: PROFILE_LIST_ITEM_SCHEMA }, nextCursor: { type: ['string', 'null'] } } },
      },
      400: { description: 'A malformed parameter or cursor.', schema: ERROR_SCHEMA },
      404: { description: 'Unknown segment.', schema: ERROR_SCHEMA },
    },
    handler: async function listProfilesRoute(c) {
      const query = c.req.queries();
      const filter = parseProfileFilter(query);
      const page = parseListPage(query);
      if (!(await segmentExists(c, filter.segmentId))) return c.json(errorBody('segment_not_found', 'No segment with this id.'), 404);
      const { items, next } = await listProfiles(c.env.DB, c.get('tenantId'), filter, page);
      return c.json({ data: items, nextCursor: listCursor(page, next) });
    },
  });

  // Registered before /v1/profiles/:id so "export" is never read as a profile id.
  registry.define(app, {
    method: 'get', path: '/v1/profiles/export', operationId: 'exportProfiles', tags: ['Profiles'], auth: 'secret', use,
    summary: 'Stream every profile (or one segment) as NDJSON or CSV.',
    params: [{ name: 'format', in: 'query', description: 'Output format.', schema: { enum: ['ndjson', 'csv'], default: 'ndjson' } }, ...FILTER_PARAMS],
    responses: {
      200: { description: 'The profiles, streamed page by page.', contentType: 'application/x-ndjson', schema: PROFILE_LIST_ITEM_SCHEMA },
      400: { description: 'A malformed parameter.', schema: ERROR_SCHEMA },
      404: { description: 'Unknown segment.', schema: ERROR_SCHEMA },
    },
    handler: async function exportProfilesRoute(c) {
      const query = c.req.queries();
      const format = enumParam<ExportFormat>(c.req.query('format'), 'format', ['ndjson', 'csv'], 'ndjson');
      const filter = parseProfileFilter(query);
      if (!(await segmentExists(c, filter.segmentId))) return c.json(errorBody('segment_not_found', 'No segment with this id.'), 404);
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      return new Response(exportStream(scanProfiles(c.env.DB, c.get('tenantId'), filter, EXPORT_PAGE), format), {
        status: 200,
        headers: {
          'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
          'content-disposition': `attachment; filename="profiles-${filter.segmentId ? 'segment-' : ''}${stamp}.${format}"`,
          'cache-control': 'no-store',
        },
      });
    },
  });

  registry.define(app, {
    method: 'get', path: '/v1/profiles/:id', operationId: 'getProfile', tags: ['Profiles'], auth: 'secret', use,
    summary: 'One profile: portrait, identities, merge log and its most recent events.',
    description: 'Merged profiles resolve to where the person lives now.',
    params: [ID_PARAM, { name: 'limit', in: 'query', description: 'Recent events to include.', schema: { type: 'integer', minimum: 0, maximum: MAX_EVENTS, default: DEFAULT_EVENTS } }],
    responses: { 200: { description: 'The profile.', schema: PROFILE_VIEW_SCHEMA }, 404: NOT_FOUND },
    handler: async function getProfileRoute(c) {
      const limitRaw = Number(c.req.query('limit') ?? DEFAULT_EVENTS);
      const limit = Number.isInteger(limitRaw) && limitRaw >= 0 ? Math.min(limitRaw, MAX_EVENTS) : DEFAULT_EVENTS;
      const target = await resolveRef(c);
      if (!target) return notFound(c);
      const view = await target.stub.read(c.get('tenantId'), limit);
      if (view.status !== 'ok') return notFound(c);
      return c.json({ profile: view.profile, events: view.events });
    },
  });

  registry.define(app, {
    method: 'get', path: '/v1/profiles/:id/events', operationId: 'listProfileEvents', tags: ['Profiles'], auth: 'secret', use,
    summary: 'The profile\'s timeline, filtered by time, type and event name, newest first, with a cursor.',
    params: [
      ID_PARAM,
      { name: 'from', in: 'query', description: 'Events at or after (ISO-8601 or epoch ms).', schema: { type: 'string' } },
      { name: 'to', in: 'query', description: 'Events before (ISO-8601 or epoch ms).', schema: { type: 'string' } },
      { name: 'type', in: 'query', description: 'Event types, comma-separated.', schema: { type: 'string', examples: ['track,page'] } },
      { name: 'event', in: 'query', description: 'Track event names (or page/screen names), comma-separated or repeated.', schema: { type: 'string' } },
      { name: 'order', in: 'query', description: 'Time order.', schema: { enum: ['desc', 'asc'], default: 'desc' } },
      { name: 'limit', in: 'query', description: 'Events per page.', schema: { type: 'integer', minimum: 1, maximum: MAX_EVENTS, default: DEFAULT_EVENTS } },
      { name: 'cursor', in: 'query', description: '`nextCursor` of the previous page.', schema: { type: 'string' } },
    ],
    responses: {
      200: { description: 'One page of events.', schema: { type: 'object', required: ['data', 'nextCursor'], properties: { data: { type: 'array', items: EVENT_SCHEMA }, nextCursor: { type: ['string', 'null'] } } } },
      400: { description: 'A malformed parameter or cursor.', schema: ERROR_SCHEMA },
      404: NOT_FOUND,
    },
    handler: async function listEventsRoute(c) {
      const types = listParam(c.req.queries('type'));
      for (const t of types ?? []) {
        if (!(EVENT_TYPES as readonly string[]).includes(t)) throw httpError(400, 'invalid_parameter', `type must be among: ${EVENT_TYPES.join(', ')}.`);
      }
      const order = enumParam(c.req.query('order'), 'order', ['desc', 'asc'] as const, 'desc');
      const q: TimelineQuery = {
        from: timeParam(c.req.query('from'), 'from'),
        to: timeParam(c.req.query('to'), 'to'),
        types,
        names: listParam(c.req.queries('event')),
        limit: intParam(c.req.query('limit'), 'limit', 1, MAX_EVENTS, DEFAULT_EVENTS),
        order,
      };
      const target = await resolveRef(c);
      if (!target) return notFound(c);
      const cursorRaw = c.req.query('cursor');
      if (cursorRaw) {
        const cur = decodeCursor(cursorRaw, isEventsCursor);
        if (cur.p !== target.profileId || cur.o !== order) throw httpError(400, 'invalid_cursor', 'This cursor belongs to another profile or order.');
        q.after = { orderAt: cur.t, seq: cur.s };
      }
      const page = await target.stub.timeline(c.get('tenantId'), q);
      if (page.status !== 'ok') return notFound(c);
      const nextCursor = page.next ? encodeCursor({ p: target.profileId, o: order, t: page.next.orderAt, s: page.next.seq } satisfies EventsCursor) : null;
      return c.json({ data: page.events, nextCursor });
    },
  });

  registry.define(app, {
    method: 'get', path: '/v1/profiles/:id/export', operationId: 'exportPerson', tags: ['Privacy'], auth: 'secret', use,
    summary: 'Everything stored about one person, as one JSON document (data subject access).',
    description: 'Profile, portrait, identities, merge log, conflicting copies kept apart, and every event in time order. Streamed.',
    params: [ID_PARAM],
    responses: { 200: { description: 'The person\'s data.', schema: PERSON_EXPORT_SCHEMA }, 404: NOT_FOUND },
    handler: async function exportPersonRoute(c) {
      const tenantId = c.get('tenantId');
      const target = await resolveRef(c);
      if (!target) return notFound(c);
      const view = await target.stub.exportPerson(tenantId);
      if (view.status !== 'ok') return notFound(c);
      const encoder = new TextEncoder();
      const head = JSON.stringify({ exportedAt: new Date().toISOString(), profile: view.profile, conflicts: view.conflicts });
      let after: TimelineQuery['after'];
      let started = false;
      let first = true;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!started) {
            started = true;
            controller.enqueue(encoder.encode(`${head.slice(0, -1)},"events":[`));
            return;
          }
          const page = await target.stub.timeline(tenantId, { order: 'asc', limit: EXPORT_PAGE, after });
          if (page.status !== 'ok') {
            controller.error(new Error('profile changed during export'));
            return;
          }
          const chunk = page.events.map((e) => JSON.stringify(e)).join(',');
          if (chunk) controller.enqueue(encoder.encode(`${first ? '' : ','}${chunk}`));
          if (page.events.length) first = false;
          if (!page.next) {
            controller.enqueue(encoder.encode(']}'));
            controller.close();
            return;
          }
          after = page.next;
        },
      });
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="profile-${target.profileId.slice(0, 16)}.json"`,
          'cache-control': 'no-store',
        },
      });
    },
  });

  registry.define(app, {
    method: 'delete', path: '/v1/profiles/:id', operationId: 'eraseProfile', tags: ['Privacy'], auth: 'secret', use,
    summary: 'Erase a person: events, traits, identity links, merged profiles, index rows; suppress their ids.',
    description: 'Answers 202 with the job once the erasure has run; the profile then answers 404 and new events carrying any of the person\'s ids are rejected with reason `suppressed`.',
    params: [ID_PARAM],
    responses: {
      202: { description: 'Erasure done.', schema: ERASURE_JOB_SCHEMA },
      404: NOT_FOUND,
      503: { description: 'A storage step failed (the job is recorded as failed); send the same request again to finish it.', schema: ERROR_SCHEMA },
    },
    handler: async function eraseProfileRoute(c) {
      const target = await resolveRef(c);
      if (!target) return notFound(c);
      const job = await eraseProfile(c.env, c.get('tenantId'), target, { via: 'api' });
      if (job.status === 'failed') {
        return c.json({ ...errorBody('erasure_failed', job.error ?? 'The erasure did not finish; send the request again.'), jobId: job.jobId }, 503, { 'retry-after': '5' });
      }
      return c.json(job, 202);
    },
  });

  registry.define(app, {
    method: 'get', path: '/v1/profiles/:id/erasure/:jobId', operationId: 'getErasureJob', tags: ['Privacy'], auth: 'secret', use,
    summary: 'Status of an erasure job.',
    params: [ID_PARAM, { name: 'jobId', in: 'path', required: true, description: 'The `jobId` DELETE answered.', schema: { type: 'string' } }],
    responses: { 200: { description: 'The job.', schema: ERASURE_JOB_SCHEMA }, 404: { description: 'No such job for this tenant.', schema: ERROR_SCHEMA } },
    handler: async function erasureJobRoute(c) {
      const job = await readErasureJob(c.env.DB, c.get('tenantId'), c.req.param('jobId') ?? '');
      if (!job) return c.json(errorBody('not_found', 'No erasure job with this id.'), 404);
      return c.json(job);
    },
  });

  return app;
}

