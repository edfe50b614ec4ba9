import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { httpError } from '../middleware/error-handler';
import { secretKeyAuth } from '../middleware/secret-key-auth';
import { COMPUTED_TRAIT_TYPES, validateComputedTrait, type ComputedTraitDefinition } from '../profiles/computed-traits';
import { backfillStatus, definitionsChanged } from '../storage/definition-backfill';
import {
  createComputedTrait, deleteComputedTrait, getComputedTrait, listComputedTraits, updateComputedTrait, type ComputedTraitRecord,
} from '../storage/definition-store';
import { invalidDefinition, readJsonObject, slugId } from './read-json-object';
import type { RouteRegistry, Schema } from './route-registry';

const FIELDS = ['id', 'name', 'key', 'type', 'event', 'property', 'windowDays'];

const TRAIT_SCHEMA: Schema = {
  type: 'object',
  required: ['id', 'name', 'key', 'type', 'event'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    key: { type: 'string', description: 'Name of the value in the portrait\'s `computed` section (and `computed.<key>` in segment rules).' },
    type: { enum: [...COMPUTED_TRAIT_TYPES] },
    event: { type: 'string', description: 'Event name read (`Page Viewed` for page events).' },
    property: { type: 'string', description: 'Property path (dots for nesting); required except for count.' },
    windowDays: { type: 'integer', minimum: 1, maximum: 3650, description: 'Sliding window; all time when absent.' },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' }, version: { type: 'integer' },
    backfill: { type: 'object', description: 'Recomputation over existing profiles after the last save.' },
  },
};
const BODY_SCHEMA: Schema = { ...TRAIT_SCHEMA, required: ['name', 'type', 'event'] };
/** Computed traits are updated with every matching event: the count stays bounded. */
export const MAX_COMPUTED_TRAITS_PER_TENANT = 100;

/** 409 when another trait already writes `key` into the portrait, or when the workspace is full. */
async function assertCanSave(db: D1Database, tenantId: string, def: ComputedTraitDefinition, creating: boolean): Promise<void> {
  const others = (await listComputedTraits(db, tenantId)).filter((r) => r.id !== def.id);
  const key = def.key ?? def.id;
  const clash = others.find((r) => (r.definition.key ?? r.definition.id) === key);
  if (clash) throw httpError(409, 'computed_trait_key_taken', `Computed trait "${clash.id}" already uses the key "${key}"; choose another key.`);
  if (creating && others.length >= MAX_COMPUTED_TRAITS_PER_TENANT) {
    throw httpError(409, 'too_many_computed_traits', `A workspace has at most ${MAX_COMPUTED_TRAITS_PER_TENANT} computed traits; delete one you no longer use first.`);
  }
}

const err = (description: string) => ({ description, schema: { $ref: '#/components/schemas/Error' } as Schema });
const ID_PARAM = { name: 'id', in: 'path' as const, description: 'Computed trait id.', schema: { type: 'string' } };

/** Reads and validates a body into a definition; 400 naming every offending field. */
function parseBody(body: Record<string, unknown>, id: string): { name: string; def: ComputedTraitDefinition } {
  const errors: Array<{ path: string; message: string }> = [];
  const unknown = Object.keys(body).filter((k) => !FIELDS.includes(k));
  if (unknown.length) errors.push({ path: unknown[0], message: `unknown field ${unknown[0]} (${FIELDS.join(', ')})` });
  if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 200) errors.push({ path: 'name', message: 'name must be a non-empty string of at most 200 characters' });
  const def: Record<string, unknown> = { id, key: body.key ?? id, type: body.type, event: body.event };
  if (body.property !== undefined) def.property = body.property;
  if (body.windowDays !== undefined) def.windowDays = body.windowDays;
  errors.push(...validateComputedTrait(def));
  if (errors.length) throw invalidDefinition('invalid_computed_trait', 'computed trait', errors);
  return { name: (body.name as string).trim(), def: def as unknown as ComputedTraitDefinition };
}

function view(r: ComputedTraitRecord) {
  const { definition: d } = r;
  return {
    id: r.id, name: r.name, key: d.key ?? d.id, type: d.type, event: d.event,
    ...(d.property !== undefined ? { property: d.property } : {}), ...(d.windowDays !== undefined ? { windowDays: d.windowDays } : {}),
    createdAt: r.createdAt, updatedAt: r.updatedAt, version: r.version,
  };
}

/**
 * Computed traits (secret key): CRUD of definitions (count, sum, avg, min, max, first,
 * last, most_frequent, unique of an event property over a sliding window). Values show
 * in each portrait's `computed` section; a save recomputes existing profiles from their
 * timelines in the background (status in `backfill`).
 */
export function computedTraitRoutes(registry: RouteRegistry<AppEnv>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const auth = secretKeyAuth();
  const withBackfill = async (c: Context<AppEnv>, r: ComputedTraitRecord) => ({ ...view(r), backfill: await backfillStatus(c.env.DB, c.get('tenantId'), r.version) });

  registry.define(app, {
    method: 'get', path: '/v1/computed-traits', operationId: 'listComputedTraits', tags: ['Computed traits'], auth: 'secret', use: [auth],
    summary: 'List computed trait definitions',
    responses: { 200: { description: 'Definitions.', schema: { type: 'object', properties: { data: { type: 'array', items: TRAIT_SCHEMA } } } } },
    handler: async function listComputedTraitsRoute(c) {
      return c.json({ data: (await listComputedTraits(c.env.DB, c.get('tenantId'))).map(view) });
    },
  });

  registry.define(app, {
    method: 'post', path: '/v1/computed-traits', operationId: 'createComputedTrait', tags: ['Computed traits'], auth: 'secret', use: [auth],
    summary: 'Create a computed trait (recomputes existing profiles)',
    requestBody: { description: 'The definition.', contentType: ['application/json'], schema: BODY_SCHEMA },
    responses: { 201: { description: 'Created.', schema: TRAIT_SCHEMA }, 400: err('Invalid definition; the message names each offending field.'), 409: err('The id is taken.') },
    handler: async function createComputedTraitRoute(c) {
      const tenantId = c.get('tenantId');
      const body = await readJsonObject(c.req.raw);
      const id = typeof body.id === 'string' ? body.id : typeof body.name === 'string' ? slugId(body.name) : '';
      const { name, def } = parseBody(body, id);
      await assertCanSave(c.env.DB, tenantId, def, true);
      const created = await createComputedTrait(c.env.DB, tenantId, name, def);
      if (!created) throw httpError(409, 'computed_trait_exists', `A computed trait with id "${id}" exists; choose another id or update it with PUT /v1/computed-traits/${id}.`);
      await definitionsChanged(c.env, tenantId);
      return c.json(await withBackfill(c, created), 201);
    },
  });

  registry.define(app, {
    method: 'get', path: '/v1/computed-traits/:id', operationId: 'getComputedTrait', tags: ['Computed traits'], auth: 'secret', use: [auth], params: [ID_PARAM],
    summary: 'One computed trait with its backfill status',
    responses: { 200: { description: 'The definition.', schema: TRAIT_SCHEMA }, 404: err('No such computed trait.') },
    handler: async function getComputedTraitRoute(c) {
      const r = await getComputedTrait(c.env.DB, c.get('tenantId'), c.req.param('id') ?? '');
      if (!r) throw httpError(404, 'not_found', 'No computed trait with this id.');
      return c.json(await withBackfill(c, r));
    },
  });

  registry.define(app, {
    method: 'put', path: '/v1/computed-traits/:id', operationId: 'replaceComputedTrait', tags: ['Computed traits'], auth: 'secret', use: [auth], params: [ID_PARAM],
    summary: 'Create or replace a computed trait (recomputes existing profiles)',
    requestBody: { description: 'The definition.', contentType: ['application/json'], schema: BODY_SCHEMA },
    responses: { 200: { description: 'Replaced.', schema: TRAIT_SCHEMA }, 201: { description: 'Created.', schema: TRAIT_SCHEMA }, 400: err('Invalid definition.') },
    handler: async function replaceComputedTraitRoute(c) {
      const tenantId = c.get('tenantId');
      const id = c.req.param('id') ?? '';
      const body = await readJsonObject(c.req.raw);
      if (body.id !== undefined && body.id !== id) throw invalidDefinition('invalid_computed_trait', 'computed trait', [{ path: 'id', message: 'the id is in the path and cannot change' }]);
      const { name, def } = parseBody(body, id);
      let status: 200 | 201 = 200;
      await assertCanSave(c.env.DB, tenantId, def, !(await getComputedTrait(c.env.DB, tenantId, id)));
      let saved = await updateComputedTrait(c.env.DB, tenantId, name, def);
      if (!saved) {
        saved = await createComputedTrait(c.env.DB, tenantId, name, def);
        if (!saved) throw httpError(409, 'computed_trait_exists', 'The computed trait was created concurrently; retry.');
        status = 201;
      }
      await definitionsChanged(c.env, tenantId);
      return c.json(await withBackfill(c, saved), status);
    },
  });

  registry.define(app, {
    method: 'delete', path: '/v1/computed-traits/:id', operationId: 'deleteComputedTrait', tags: ['Computed traits'], auth: 'secret', use: [auth], params: [ID_PARAM],
    summary: 'Delete a computed trait (its value leaves every portrait)',
    responses: { 200: { description: 'Deleted.', schema: { type: 'object', properties: { id: { type: 'string' }, deleted: { const: true } } } }, 404: err('No such computed trait.') },
    handler: async function deleteComputedTraitRoute(c) {
      const tenantId = c.get('tenantId');
      const id = c.req.param('id') ?? '';
      if (!(await deleteComputedTrait(c.env.DB, tenantId, id))) throw httpError(404, 'not_found', 'No computed trait with this id.');
      await definitionsChanged(c.env, tenantId);
      return c.json({ id, deleted: true });
    },
  });

  return app;
}
