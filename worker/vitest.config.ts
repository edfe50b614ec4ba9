import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// The assets directory is filled by the build; wrangler needs it to exist.
mkdirSync(fileURLToPath(new URL('./public', import.meta.url)), { recursive: true });

export default defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: fileURLToPath(new URL('../wrangler.toml', import.meta.url)) },
      miniflare: {
        bindings: {
          PORTRAIT_DEV: '1',
          ADMIN_TOKEN: 'test-admin-token',
          // Small enough that the flood scenario trips them quickly; tests use their own IPs.
          RATE_IP_EVENTS_PER_MIN: '3000',
          RATE_IP_NEW_IDS_PER_MIN: '100',
          INDEX_DELAY_MS: '50',
        },
      },
    }),
  ],
  test: {
    name: 'worker',
    include: ['test/**/*.test.ts'],
  },
});
