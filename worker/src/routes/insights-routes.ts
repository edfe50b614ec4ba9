import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { secretKeyAuth } from '../middleware/secret-key-auth';
import { DEFAULT_RFM_CUT_POINTS } from '../profiles/rfm';
import { countBuyers, MIN_RFM_BUYERS, readTenantRfm, refreshTenantRfm, type RfmInsight } from '../storage/rfm-insights';
import { rememberRfm } from '../storage/tenant-definitions';
import type { RouteRegistry, Schema } from './route-registry';

const CUTS: Schema = { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 };

const RFM_SCHEMA: Schema = {
  type: 'object',
  required: ['source', 'cutPoints', 'customers', 'computedAt', 'minCustomers'],
  properties: {
    source: { enum: ['tenant', 'default'], description: '`tenant`: quintiles of this workspace\'s buyers; `default`: built-in cut points (not enough buyers yet).' },
    cutPoints: {
      type: 'object',
      description: '20th, 40th, 60th and 80th percentiles. r is 5 at or below the first recency cut; f and m are 1 at or below the first cut, 5 above the last.',
      properties: {
        recency: { ...CUTS, description: 'Days since the last order.' },
        frequency: { ...CUTS, description: 'Orders.' },
        monetary: { ...CUTS, description: 'Net revenue.' },
      },
    },
    customers: { type: 'integer', description: 'Buyers the cut points were computed from (0 for the defaults).' },
    computedAt: { type: ['string', 'null'], format: 'date-time' },
    minCustomers: { type: 'integer', description: 'Buyers needed before the workspace gets its own cut points.' },
    buyers: { type: 'integer', description: 'Buyers in the profile index now (refresh only).' },
  },
};

function view(rfm: RfmInsight | null) {
  const c = rfm?.cutPoints ?? DEFAULT_RFM_CUT_POINTS;
  return {
    source: rfm ? ('tenant' as const) : ('default' as const),
    cutPoints: { recency: c.recency, frequency: c.frequency, monetary: c.monetary },
    customers: rfm ? c.customers : 0,
    computedAt: rfm ? new Date(rfm.computedAt).toISOString() : null,
    minCustomers: MIN_RFM_BUYERS,
  };
}

/**
 * Tenant insights (secret key): the RFM quintile cut points every portrait's r/f/m scores
 * use. They are recomputed every 30 minutes (cron trigger) and when a workspace without
 * them gets enough buyers; `refresh` recomputes them now.
 */
export function insightsRoutes(registry: RouteRegistry<AppEnv>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const auth = secretKeyAuth();

  registry.define(app, {
    method: 'get', path: '/v1/insights/rfm', operationId: 'getRfmCutPoints', tags: ['Insights'], auth: 'secret', use: [auth],
    summary: 'The RFM cut points portraits are scored against',
    responses: { 200: { description: 'The cut points and where they come from.', schema: RFM_SCHEMA } },
    handler: async function getRfmRoute(c) {
      return c.json(view(await readTenantRfm(c.env.DB, c.get('tenantId'))));
    },
  });

  registry.define(app, {
    method: 'post', path: '/v1/insights/rfm/refresh', operationId: 'refreshRfmCutPoints', tags: ['Insights'], auth: 'secret', use: [auth],
    summary: 'Recompute the RFM cut points from the profile index now',
    description: `Reads every buyer's orders, revenue and last order from the profile index. With fewer than ${MIN_RFM_BUYERS} buyers the built-in cut points stay in use. Portraits use the new cut points within seconds.`,
    responses: { 200: { description: 'The new cut points.', schema: RFM_SCHEMA } },
    handler: async function refreshRfmRoute(c) {
      const tenantId = c.get('tenantId');
      const rfm = await refreshTenantRfm(c.env.DB, tenantId);
      rememberRfm(tenantId, rfm);
      return c.json({ ...view(rfm), buyers: rfm ? rfm.cutPoints.customers : await countBuyers(c.env.DB, tenantId) });
    },
  });

  return app;
}
