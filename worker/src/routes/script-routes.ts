import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { errorBody } from '../middleware/error-handler';

/**
 * Browser scripts the collector serves itself, built into the assets directory:
 * the SDK, its lazy chunks (web vitals, debug-mode checks) and the banner script.
 */
export const SCRIPTS = ['/portrait.js', '/portrait-vitals.js', '/portrait-debug.js', '/personalize.js'] as const;

/**
 * `GET /portrait.js` (and its chunks), `/personalize.js`: served from the static assets (ETag kept), with
 * a cache lifetime sites can rely on and CORS so `<script crossorigin integrity=...>` works.
 */
export function scriptRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const path of SCRIPTS) {
    app.get(path, async function serveScript(c) {
      const res = c.env.ASSETS ? await c.env.ASSETS.fetch(c.req.raw) : undefined;
      if (!res || res.status === 404) {
        return c.json(errorBody('not_built', `${path.slice(1)} is not built into this collector; run \`npm run build\` and restart.`), 404);
      }
      const out = new Response(res.body, res);
      out.headers.set('cache-control', 'public, max-age=300, stale-while-revalidate=86400');
      out.headers.set('access-control-allow-origin', '*');
      out.headers.set('content-type', 'text/javascript; charset=utf-8');
      out.headers.set('x-content-type-options', 'nosniff');
      return out;
    });
  }
  return app;
}
