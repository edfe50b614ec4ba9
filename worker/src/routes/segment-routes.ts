import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { httpError } from '../middleware/error-handler';
import { secretKeyAuth } from '../middleware/secret-key-auth';
import { validateSegmentDefinition, validateSegmentRule, type SegmentRule } from '../segments/segment-rule';
import { backfillStatus, definitionsChanged } from '../storage/definition-backfill';
import { createSegment, deleteSegment, getSegment, listSegments, updateSegment, type SegmentRecord } from '../storage/definition-store';
import { listProfiles } from '../storage/profile-index';
import { decodeCursor, encodeCursor } from './cursor';
import { intParam } from './query-params';
import { invalidDefinition, readJsonObject, slugId } from './read-json-object';
import type { RouteRegistry, Schema } from './route-registry';

const RULE_SCHEMA: Schema = {
  description: 'A rule: a group `{all:[...]}`, `{any:[...]}`, `{not:{...}}`, a field condition `{field, op, value}` or an event condition `{event, op?, value?, withinDays?}`. See worker/src/segments/segment-rule.ts.',
  type: 'object',
};
const SEGMENT_SCHEMA: Schema = {
  type: 'object',
  required: ['id', 'name', 'rule', 'count'],
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, rule: RULE_SCHEMA, count: { type: 'integer', description: 'Current members (the index, seconds behind).' },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' }, version: { type: 'integer' },
    backfill: { type: 'object', description: 'Evaluation of existing profiles after the last save: status pending | running | done | failed, processed, total, changed.' },
  },
};
const BODY_SCHEMA: Schema = {
  type: 'object',
  required: ['name', 'rule'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,100}$', description: 'Defaults to a slug of the name.' }, name: { type: 'string', maxLength: 200 }, rule: RULE_SCHEMA },
};
/** Every segment is evaluated after each event a profile receives: the count stays bounded. */
export const MAX_SEGMENTS_PER_TENANT = 500;

async function assertRoomForSegment(db: D1Database, tenantId: string): Promise<void> {
  const row = await db.prepare('SELECT count(*) AS n FROM segments WHERE tenant_id = ?').bind(tenantId).first<{ n: number }>();
  if ((row?.n ?? 0) >= MAX_SEGMENTS_PER_TENANT) {
    throw httpError(409, 'too_many_segments', `A workspace has at most ${MAX_SEGMENTS_PER_TENANT} segments; delete one you no longer use first.`);
  }
}

const err = (description: string) => ({ description, schema: { $ref: '#/components/schemas/Error' } as Schema });
const ID_PARAM = { name: 'id', in: 'path' as const, description: 'Segment id.', schema: { type: 'string' } };

const isCursor = (v: unknown): v is { v: number; id: string } =>
  !!v && typeof v === 'object' && typeof (v as { v: unknown }).v === 'number' && typeof (v as { id: unknown }).id === 'string';

/**
 * Segments (secret key): CRUD of JSON rules, their members and counts. Saving a segment
 * starts a backfill over existing profiles (status on `GET /v1/segments/:id`); profile
 * objects keep membership current as events arrive and write `Audience Entered` /
 * `Audience Exited` to the timeline.
 */
export function segmentRoutes(registry: RouteRegistry<AppEnv>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const auth = secretKeyAuth();

  async function withBackfill(c: { env: AppEnv['Bindings'] }, tenantId: string, s: SegmentRecord & { count?: number }) {
    return { ...s, count: s.count ?? 0, backfill: await backfillStatus(c.env.DB, tenantId, s.version) };
  }

  registry.define(app, {
    method: 'get', path: '/v1/segments', operationId: 'listSegments', tags: ['Segments'], auth: 'secret', use: [auth],
    summary: 'List segments with their member counts',
    responses: { 200: { description: 'Segments.', schema: { type: 'object', properties: { data: { type: 'array', items: SEGMENT_SCHEMA } } } } },
    handler: async function listSegmentsRoute(c) {
      return c.json({ data: await listSegments(c.env.DB, c.get('tenantId')) });
    },
  });

  registry.define(app, {
    method: 'post', path: '/v1/segments', operationId: 'createSegment', tags: ['Segments'], auth: 'secret', use: [auth],
    summary: 'Create a segment (starts a backfill over existing profiles)',
    requestBody: { description: 'The segment.', contentType: ['application/json'], schema: BODY_SCHEMA },
    responses: { 201: { description: 'Created.', schema: SEGMENT_SCHEMA }, 400: err('Invalid segment; the message names each offending path.'), 409: err('The id is taken, or the workspace has the maximum number of segments.') },
    handler: async function createSegmentRoute(c) {
      const tenantId = c.get('tenantId');
      const body = await readJsonObject(c.req.raw);
      const def = { id: body.id ?? (typeof body.name === 'string' ? slugId(body.name) : undefined), name: body.name, rule: body.rule };
      const errors = validateSegmentDefinition(def);
      if (errors.length) throw invalidDefinition('invalid_segment', 'segment', errors);
      const name = (def.name as string).trim();
      await assertRoomForSegment(c.env.DB, tenantId);
      const created = await createSegment(c.env.DB, tenantId, { id: def.id as string, name, rule: def.rule as SegmentRule });
      if (!created) throw httpError(409, 'segment_exists', `A segment with id "${String(def.id)}" exists; choose another id or update it with PUT /v1/segments/${String(def.id)}.`);
      await definitionsChanged(c.env, tenantId);
      return c.json(await withBackfill(c, tenantId, created), 201);
    },
  });

  registry.define(app, {
    method: 'get', path: '/v1/segments/:id', operationId: 'getSegment', tags: ['Segments'], auth: 'secret', use: [auth], params: [ID_PARAM],
    summary: 'One segment with its count and backfill status',
    responses: { 200: { description: 'The segment.', schema: SEGMENT_SCHEMA }, 404: err('No such segment.') },
    handler: async function getSegmentRoute(c) {
      const tenantId = c.get('tenantId');
      const s = await getSegment(c.env.DB, tenantId, c.req.param('id') ?? '');
      if (!s) throw httpError(404, 'not_found', 'No segment with this id.');
      return c.json(await withBackfill(c, tenantId, s));
    },
  });

  const update = (partial: boolean) =>
    async function updateSegmentRoute(c: Context<AppEnv>) {
      const tenantId = c.get('tenantId');
      const id = c.req.param('id') ?? '';
      const body = await readJsonObject(c.req.raw);
      if (body.id !== undefined && body.id !== id) throw invalidDefinition('invalid_segment', 'segment', [{ path: 'id', message: 'the id is in the path and cannot change' }]);
      const errors: Array<{ path: string; message: string }> = [];
      if (!partial || body.name !== undefined) {
        if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 200) errors.push({ path: 'name', message: 'name must be a non-empty string of at most 200 characters' });
      }
      if (!partial || body.rule !== undefined) {
        for (const e of validateSegmentRule(body.rule)) errors.push({ path: e.path === '(root)' ? 'rule' : `rule.${e.path}`, message: e.message });
      }
      const unknown = Object.keys(body).filter((k) => !['id', 'name', 'rule'].includes(k));
      if (unknown.length) errors.push({ path: unknown[0], message: `unknown field ${unknown[0]} (id, name, rule)` });
      if (errors.length) throw invalidDefinition('invalid_segment', 'segment', errors);
      const patch = { name: typeof body.name === 'string' ? body.name.trim() : undefined, rule: body.rule as SegmentRule | undefined };
      let saved = await updateSegment(c.env.DB, tenantId, id, patch);
      let status: 200 | 201 = 200;
      if (!saved) {
        if (partial) throw httpError(404, 'not_found', 'No segment with this id.');
        const idErrors = validateSegmentDefinition({ id, name: patch.name, rule: patch.rule });
        if (idErrors.length) throw invalidDefinition('invalid_segment', 'segment', idErrors);
        await assertRoomForSegment(c.env.DB, tenantId);
        saved = await createSegment(c.env.DB, tenantId, { id, name: patch.name as string, rule: patch.rule as SegmentRule });
        if (!saved) throw httpError(409, 'segment_exists', 'The segment was created concurrently; retry.');
        status = 201;
      }
      await definitionsChanged(c.env, tenantId);
      return c.json(await withBackfill(c, tenantId, (await getSegment(c.env.DB, tenantId, id)) ?? saved), status);
    };

  registry.define(app, {
    method: 'put', path: '/v1/segments/:id', operationId: 'replaceSegment', tags: ['Segments'], auth: 'secret', use: [auth], params: [ID_PARAM],
    summary: 'Create or replace a segment (starts a backfill)',
    requestBody: { description: 'Name and rule.', contentType: ['application/json'], schema: BODY_SCHEMA },
    responses: { 200: { description: 'Replaced.', schema: SEGMENT_SCHEMA }, 201: { description: 'Created.', schema: SEGMENT_SCHEMA }, 400: err('Invalid segment.') },
    handler: update(false),
  });

  registry.define(app, {
    method: 'patch', path: '/v1/segments/:id', operationId: 'updateSegment', tags: ['Segments'], auth: 'secret', use: [auth], params: [ID_PARAM],
    summary: 'Change a segment\'s name and/or rule (a rule change starts a backfill)',
    requestBody: { description: 'name and/or rule.', contentType: ['application/json'], schema: { ...BODY_SCHEMA, required: [] } },
    responses: { 200: { description: 'Updated.', schema: SEGMENT_SCHEMA }, 400: err('Invalid segment.'), 404: err('No such segment.') },
    handler: update(true),
  });

  registry.define(app, {
    method: 'delete', path: '/v1/segments/:id', operationId: 'deleteSegment', tags: ['Segments'], auth: 'secret', use: [auth], params: [ID_PARAM],
    summary: 'Delete a segment (members get Audience Exited)',
    responses: { 200: { description: 'Deleted.', schema: { type: 'object', properties: { id: { type: 'string' }, deleted: { const: true } } } }, 404: err('No such segment.') },
    handler: async function deleteSegmentRoute(c) {
      const tenantId = c.get('tenantId');
      const id = c.req.param('id') ?? '';
      if (!(await deleteSegment(c.env.DB, tenantId, id))) throw httpError(404, 'not_found', 'No segment with this id.');
      await definitionsChanged(c.env, tenantId);
      return c.json({ id, deleted: true });
    },
  });

  registry.define(app, {
    method: 'get', path: '/v1/segments/:id/profiles', operationId: 'listSegmentProfiles', tags: ['Segments'], auth: 'secret', use: [auth],
    params: [
      ID_PARAM,
      { name: 'limit', in: 'query', description: 'Rows per page (1-500, default 50).', schema: { type: 'integer', minimum: 1, maximum: 500 } },
      { name: 'cursor', in: 'query', description: 'nextCursor of the previous page.', schema: { type: 'string' } },
    ],
    summary: 'Members of a segment, most recently seen first (cursor pagination)',
    responses: {
      200: {
        description: 'A page of members (same rows as GET /v1/profiles).',
        schema: { type: 'object', properties: { data: { type: 'array', items: { type: 'object' } }, nextCursor: { type: ['string', 'null'] } } },
      },
      400: err('Bad limit or cursor.'),
      404: err('No such segment.'),
    },
    handler: async function listSegmentProfilesRoute(c) {
      const tenantId = c.get('tenantId');
      const id = c.req.param('id') ?? '';
      const limit = intParam(c.req.query('limit'), 'limit', 1, 500, 50);
      const cursor = c.req.query('cursor');
      const after = cursor ? decodeCursor(cursor, isCursor) : undefined;
      if (!(await getSegment(c.env.DB, tenantId, id))) throw httpError(404, 'not_found', 'No segment with this id.');
      const page = await listProfiles(c.env.DB, tenantId, { segmentId: id }, {
        sort: 'last_seen', order: 'desc', limit, after: after ? { value: after.v, id: after.id } : undefined,
      });
      return c.json({ data: page.items, nextCursor: page.next ? encodeCursor({ v: page.next.value, id: page.next.id }) : null });
    },
  });

  return app;
}
