import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';

/**
 * CORS for the visitor-facing POST routes (ingest, decide, erase). Any origin may ask
 * (browsers send text/plain, so usually there is no preflight at all); whether that
 * origin may use the write key is decided on the POST itself (`authorizeWriteKey`),
 * which marks a refused origin so its answer stays unreadable to the page.
 */
export function visitorPreflight(c: Context<AppEnv>): Response {
  const origin = c.req.header('origin');
  if (!origin) return c.body(null, 204, { allow: 'POST, OPTIONS' });
  return c.body(null, 204, {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': c.req.header('access-control-request-headers') ?? 'content-type, authorization',
    'access-control-max-age': '86400',
    vary: 'Origin',
  });
}

/** After the handler: lets the calling page read the answer (and Retry-After), unless its origin was refused. */
export function visitorCors(): MiddlewareHandler<AppEnv> {
  return async function visitorCors(c, next) {
    await next();
    const origin = c.req.header('origin');
    if (origin && !c.get('corsDenied')) {
      c.res.headers.set('access-control-allow-origin', origin);
      c.res.headers.set('access-control-expose-headers', 'retry-after');
      c.res.headers.append('vary', 'Origin');
    }
  };
}
