import { Hono } from 'hono';
import type { AppEnv } from './app-env';
import { errorHandler, notFound } from './middleware/error-handler';
import { adminRoutes } from './routes/admin-routes';
import { ingestLogRoutes } from './routes/ingest-log-routes';
import { ingestRoutes } from './routes/ingest-routes';
import { profileRoutes } from './routes/profile-routes';
import { scriptRoutes } from './routes/script-routes';

/** The collector: ingest, marketer reads, admin, scripts. */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Liveness; also accepts POST so benchmarks can compare ingest with a no-op of the same request shape.
  app.on(['GET', 'POST'], '/health', (c) => c.json({ ok: true }));
  app.route('/', scriptRoutes());
  app.route('/', ingestRoutes());
  app.route('/', profileRoutes());
  app.route('/', ingestLogRoutes());
  app.route('/', adminRoutes());
  app.notFound(notFound);
  app.onError(errorHandler);
  return app;
}
