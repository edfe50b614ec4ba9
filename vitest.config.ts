import { defineConfig } from 'vitest/config';

/**
 * One `vitest run` runs every suite:
 * - unit: packages (SDK, protocol, personalize) in happy-dom;
 * - domain: pure collector domain code (worker/src) in Node;
 * - worker: collector integration tests inside workerd (worker/vitest.config.ts);
 * - e2e: real Chromium against local servers (test/e2e).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'happy-dom',
          include: ['packages/*/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'domain',
          environment: 'node',
          include: ['worker/src/**/*.test.ts'],
        },
      },
      'worker/vitest.config.ts',
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // A real browser on a loaded 2-core machine: one retry absorbs a rare scheduling
          // stall; a test that fails twice still fails the run.
          retry: 1,
        },
      },
    ],
  },
});
