import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { errorBody } from '../middleware/error-handler';
import { secretKeyAuth } from '../middleware/secret-key-auth';
import { readProfileById, readProfileByKey } from '../storage/profile-store';

const DEFAULT_EVENTS = 50;
const MAX_EVENTS = 500;

/**
 * `GET /v1/profiles/:id` (secret key): one profile with its recent events. The id is
 * `user_id:<userId>`, `anonymous_id:<anonymousId>` or the profile id; merged profiles
 * resolve to where the person lives now. Another tenant's profile is a plain 404.
 */
export function profileRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/v1/profiles/*', secretKeyAuth());
  app.get('/v1/profiles/:id', async function getProfile(c) {
    const ref = c.req.param('id');
    const tenantId = c.get('tenantId');
    const limitParam = Number(c.req.query('limit') ?? DEFAULT_EVENTS);
    const limit = Number.isInteger(limitParam) && limitParam >= 0 ? Math.min(limitParam, MAX_EVENTS) : DEFAULT_EVENTS;
    let view;
    if (ref.startsWith('user_id:')) view = await readProfileByKey(c.env, tenantId, `user:${ref.slice(8)}`, limit);
    else if (ref.startsWith('anonymous_id:')) view = await readProfileByKey(c.env, tenantId, `anon:${ref.slice(13)}`, limit);
    else if (/^[0-9a-f]{64}$/.test(ref)) view = await readProfileById(c.env, tenantId, ref, limit);
    else view = { status: 'not_found' as const };
    if (view.status !== 'ok') return c.json(errorBody('not_found', 'No profile with this id.'), 404);
    return c.json({ profile: view.profile, events: view.events });
  });
  return app;
}
