import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchBrowser, type TestBrowser, type TestContext } from './browser';
import { startRecordingServer, type RecordingServer } from './recording-server';

/**
 * The usual e2e file setup in one call: one Chromium and one recording server per
 * file (beforeAll), a fresh browser context per test (beforeEach), the context closed
 * and the server reset after each test, everything stopped after the file.
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
    [browser, server] = await Promise.all([launchBrowser(), startRecordingServer()]);
  });
  beforeEach(async () => {
    ctx = await browser!.newContext();
  });
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
    server?.reset();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
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
