import { Hono } from 'hono';
import type { AppEnv } from './app-env';
import { errorHandler, notFound } from './middleware/error-handler';
import { adminRoutes } from './routes/admin-routes';
import { campaignRoutes } from './routes/campaign-routes';
import { decideRoutes } from './routes/decide-routes';
import { computedTraitRoutes } from './routes/computed-trait-routes';
import { eraseRoutes } from './routes/erase-routes';
import { ingestLogRoutes } from './routes/ingest-log-routes';
import { ingestRoutes } from './routes/ingest-routes';
import { insightsRoutes } from './routes/insights-routes';
import { profileApiRoutes } from './routes/profile-api-routes';
import { RouteRegistry } from './routes/route-registry';
import { scriptRoutes } from './routes/script-routes';
import { segmentRoutes } from './routes/segment-routes';

/** The collector: ingest, marketer reads, admin, scripts. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Self-describing routes (the OpenAPI document is built from these definitions).
  const registry = new RouteRegistry<AppEnv>();
  // Liveness; also accepts POST so benchmarks can compare ingest with a no-op of the same request shape.
  app.on(['GET', 'POST'], '/health', async (c) => {
    // A POST body is read and dropped: answering before reading it makes local workerd
    // restart the request (503 "worker restarted mid-request") under load.
    if (c.req.method === 'POST') await c.req.arrayBuffer();
    return c.json({ ok: true });
  });
  app.route('/', scriptRoutes());
  // Before ingest: its POST /v1/:path answers 404 for paths that are not event types.
  app.route('/', eraseRoutes(registry));
  app.route('/', segmentRoutes(registry));
  app.route('/', computedTraitRoutes(registry));
  app.route('/', insightsRoutes(registry));
  app.route('/', campaignRoutes());
  app.route('/', decideRoutes());
  app.route('/', ingestRoutes());
  app.route('/', profileApiRoutes(registry, () => app.routes));
  app.route('/', ingestLogRoutes());
  app.route('/', adminRoutes());
  app.notFound(notFound);
  app.onError(errorHandler);
  return app;
}
