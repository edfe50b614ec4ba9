import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { httpError } from '../middleware/error-handler';
import { secretKeyAuth } from '../middleware/secret-key-auth';
import { listDeadLetters, readCounters } from '../storage/ingest-log';

/**
 * What ingest refused, for the marketer (secret key):
 * `GET /v1/dead-letters?limit=&cursor=&reason=` rejected events (truncated), newest first;
 * `GET /v1/ingest/stats?days=` counters per day by reason (rejected, discarded, truncated, 413, 429).
 */
export function ingestLogRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/v1/dead-letters', secretKeyAuth());
  app.use('/v1/ingest/stats', secretKeyAuth());
  app.get('/v1/dead-letters', async function getDeadLetters(c) {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 1000);
    const cursor = c.req.query('cursor');
    if (cursor !== undefined && !/^\d+$/.test(cursor)) throw httpError(400, 'invalid_cursor', 'cursor must be the nextCursor of a previous page.');
    const page = await listDeadLetters(c.env.DB, c.get('tenantId'), {
      limit,
      before: cursor === undefined ? undefined : Number(cursor),
      reason: c.req.query('reason') || undefined,
    });
    return c.json(page);
  });
  app.get('/v1/ingest/stats', async function getIngestStats(c) {
    const days = Math.min(Math.max(Number(c.req.query('days') ?? 7) || 7, 1), 90);
    return c.json({ days: await readCounters(c.env.DB, c.get('tenantId'), days) });
  });
  return app;
}
