import { createApp } from './app';
import type { Env } from './env';
import { scheduled } from './scheduled';

export { BackfillObject } from './storage/backfill-object';
export { ProfileObject } from './storage/profile-object';

const app = createApp();

/** HTTP requests go to the Hono app; the cron trigger recomputes tenant insights. */
export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;
