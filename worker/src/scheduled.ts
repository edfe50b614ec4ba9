import type { Env } from './env';
import { applyD1Migrations } from './storage/apply-d1-migrations';
import { refreshAllTenantsRfm } from './storage/rfm-insights';

/**
 * The cron trigger (wrangler.toml `[triggers] crons`): recomputes every tenant's RFM
 * cut points from the profile index. A tenant that fails is logged and retried next run;
 * the run as a whole fails (so Cloudflare shows it) only when D1 cannot be read at all.
 */
export async function scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const run = (async () => {
    await applyD1Migrations(env.DB);
    const result = await refreshAllTenantsRfm(env.DB, controller.scheduledTime || Date.now());
    console.log(`portrait: RFM cut points recomputed (${controller.cron}): ${result.computed} of ${result.tenants} tenants, ${result.failed} failed`);
  })();
  ctx.waitUntil(run);
  await run;
}
