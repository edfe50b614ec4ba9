import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchBrowser, type TestBrowser, type TestContext } from './browser';
import { startRecordingServer, type RecordingServer } from './recording-server';

/**
 * The usual e2e file setup in one call: one Chromium per file (beforeAll); a fresh
 * browser context and a fresh recording server per test (beforeEach), both closed after
 * the test. A server per test (new port, so a new origin) keeps a late keepalive/beacon
 * request of a closing tab of one test out of the next test's records.
 *
 * @example
 * const env = useE2E();
 * it('...', async () => {
 *   const page = await env.ctx.newPage();
 *   await openSdkPage(page, env.server);
 *   expect(env.ctx.errors.pageErrors).toEqual([]);
 * });
 */
export interface E2E {
  readonly browser: TestBrowser;
  readonly server: RecordingServer;
  /** This test's fresh context. */
  readonly ctx: TestContext;
}

export function useE2E(): E2E {
  let browser: TestBrowser | undefined;
  let server: RecordingServer | undefined;
  let ctx: TestContext | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    [ctx, server] = await Promise.all([browser!.newContext(), startRecordingServer()]);
  });
  afterEach(async () => {
    await ctx?.close();
    await server?.close();
    ctx = undefined;
    server = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (!v) throw new Error(`useE2E: ${what} is only available inside a test (after beforeAll/beforeEach)`);
    return v;
  };
  return {
    get browser() { return need(browser, 'browser'); },
    get server() { return need(server, 'server'); },
    get ctx() { return need(ctx, 'ctx'); },
  };
}
