import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { errorBody, httpError } from '../middleware/error-handler';
import { secretKeyAuth } from '../middleware/secret-key-auth';
import { campaignReport } from '../personalization/campaign-report';
import { validateCampaign } from '../personalization/validate-campaign';
import { validateSegmentRule } from '../segments/segment-rule';
import { invalidDefinition, readJsonObject } from './read-json-object';
import { createCampaign, deleteCampaign, getCampaign, listCampaigns, reportCounts, updateCampaign } from '../storage/campaign-store';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Marketer API for personalization campaigns (secret key):
 * `POST /v1/campaigns`, `GET /v1/campaigns`, `GET|PUT|PATCH|DELETE /v1/campaigns/:id`,
 * `GET /v1/campaigns/:id/report?bucketHours=24`. Invalid campaigns get 400 with every
 * problem named by field (`error.details[].path`); another tenant's campaign is a 404;
 * requests are rate-limited like the rest of the marketer API (429 + Retry-After).
 */
export function campaignRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Rate-limited per key (or per IP without one) before the key is even looked up.
  app.use('/v1/campaigns', secretKeyAuth());
  app.use('/v1/campaigns/*', secretKeyAuth());

  app.post('/v1/campaigns', async function createCampaignRoute(c) {
    const campaign = await createCampaign(c.env.DB, c.get('tenantId'), validated(await readJsonObject(c.req.raw, MAX_BODY_BYTES)));
    return c.json(campaign, 201, { location: `/v1/campaigns/${campaign.id}` });
  });

  app.get('/v1/campaigns', async function listCampaignsRoute(c) {
    return c.json({ data: await listCampaigns(c.env.DB, c.get('tenantId')) });
  });

  app.get('/v1/campaigns/:id', async function getCampaignRoute(c) {
    const campaign = await getCampaign(c.env.DB, c.get('tenantId'), c.req.param('id'));
    return campaign ? c.json(campaign) : c.json(errorBody('not_found', 'No campaign with this id.'), 404);
  });

  app.put('/v1/campaigns/:id', async function replaceCampaignRoute(c) {
    const input = validated(await readJsonObject(c.req.raw, MAX_BODY_BYTES));
    const campaign = await updateCampaign(c.env.DB, c.get('tenantId'), c.req.param('id'), input);
    return campaign ? c.json(campaign) : c.json(errorBody('not_found', 'No campaign with this id.'), 404);
  });

  // PATCH: change some top-level fields (e.g. {"status":"active"}); the result is validated whole.
  app.patch('/v1/campaigns/:id', async function patchCampaignRoute(c) {
    const tenantId = c.get('tenantId');
    const patch = await readJsonObject(c.req.raw, MAX_BODY_BYTES);
    const current = await getCampaign(c.env.DB, tenantId, c.req.param('id'));
    if (!current) return c.json(errorBody('not_found', 'No campaign with this id.'), 404);
    const { id: _id, createdAt: _c, updatedAt: _u, ...base } = current;
    const campaign = await updateCampaign(c.env.DB, tenantId, current.id, validated({ ...base, ...patch }));
    return campaign ? c.json(campaign) : c.json(errorBody('not_found', 'No campaign with this id.'), 404);
  });

  app.delete('/v1/campaigns/:id', async function deleteCampaignRoute(c) {
    const deleted = await deleteCampaign(c.env.DB, c.get('tenantId'), c.req.param('id'));
    return deleted ? c.body(null, 204) : c.json(errorBody('not_found', 'No campaign with this id.'), 404);
  });

  app.get('/v1/campaigns/:id/report', async function campaignReportRoute(c) {
    const tenantId = c.get('tenantId');
    const campaign = await getCampaign(c.env.DB, tenantId, c.req.param('id'));
    if (!campaign) return c.json(errorBody('not_found', 'No campaign with this id.'), 404);
    const hours = Number(c.req.query('bucketHours') ?? 24);
    if (!(hours >= 1 && hours <= 24 * 31)) throw httpError(400, 'invalid_bucket', 'bucketHours must be between 1 and 744.');
    const { counts, allocation } = await reportCounts(c.env.DB, tenantId, campaign.id, hours);
    return c.json(campaignReport(campaign, counts, allocation));
  });
  return app;
}


function validated(input: unknown) {
  const result = validateCampaign(input, {
    validateRule: (rule) => {
      const errors = validateSegmentRule(rule);
      return errors.length ? errors.map((e) => `${e.path || '(rule)'}: ${e.message}`).join('; ') : null;
    },
  });
  if (!result.ok) throw invalidDefinition('invalid_campaign', 'campaign', result.errors.map((e) => ({ path: e.field, message: e.message })));
  return result.value;
}
