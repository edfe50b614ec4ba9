import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/**
 * Real Debian Chromium for the e2e suites, driven by playwright-core (never a
 * downloaded browser). Two ways in:
 *
 * - `launchBrowser()` once per test file (beforeAll), then `browser.newContext()` per
 *   test: a fresh, isolated profile (cookies, localStorage, IndexedDB) for each test,
 *   shared by every page of that context (two tabs, reloads).
 * - `launchPersistent()` when a test must survive a whole browser restart (the tab or
 *   browser killed, then the visitor comes back): a real on-disk profile in a fresh
 *   mkdtemp user-data-dir; `relaunch()` reopens the same profile.
 *
 * Contexts present a visitor's user agent (`visitorUserAgent()`), not "HeadlessChrome".
 * Both collect page errors (uncaught exceptions and unhandled rejections) and console
 * errors of every page, so a test can assert "nothing reached the host page".
 *
 * @example
 * const browser = await launchBrowser();            // beforeAll
 * const ctx = await browser.newContext();           // per test
 * const page = await ctx.newPage();
 * await page.goto(server.url('/fixtures/sdk/script-tag.html'));
 * expect(ctx.errors.pageErrors).toEqual([]);
 * await ctx.close();                                // afterEach
 * await browser.close();                            // afterAll
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags verified on this machine kind (see shared/docs/toolchain.md, "Real browser"). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let userAgent: string | undefined;

/**
 * The user agent of a visitor's desktop Chromium of the installed version. Headless
 * Chromium says "HeadlessChrome", which the collector rightly discards as a bot
 * (scenario 14), so contexts use this one unless a test passes its own `userAgent`.
 */
export function visitorUserAgent(): string {
  if (!userAgent) {
    let version = '120.0.0.0';
    try {
      version = /(\d+\.\d+\.\d+\.\d+)/.exec(execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[1] ?? version;
    } catch { /* keep the fallback version */ }
    userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version} Safari/537.36`;
  }
  return userAgent;
}

/** What went wrong inside the pages of one context. */
export interface PageErrors {
  /** Uncaught exceptions and unhandled promise rejections, as `name: message`. */
  pageErrors: string[];
  /** `console.error` calls and browser-logged errors (e.g. failed resource loads). */
  consoleErrors: string[];
  /** Console errors that are not network failures the test caused on purpose (offline, aborted). */
  unexpectedConsoleErrors(): string[];
}

/** A browser context plus the errors its pages reported. */
export interface TestContext {
  context: BrowserContext;
  errors: PageErrors;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh isolated context (own cookies, storage, IndexedDB) with error collection. */
  newContext(options?: BrowserContextOptions): Promise<TestContext>;
  close(): Promise<void>;
}

export interface PersistentBrowser extends TestContext {
  /** The profile directory (removed by `close()`). */
  userDataDir: string;
  /** Close the browser but keep the profile, then open it again (a visitor coming back). */
  relaunch(): Promise<PersistentBrowser>;
}

// Messages Chromium logs for requests that fail because a test made them fail.
const NETWORK_NOISE = [
  'net::ERR_INTERNET_DISCONNECTED',
  'net::ERR_EMPTY_RESPONSE',
  'net::ERR_CONNECTION_RESET',
  'net::ERR_CONNECTION_REFUSED',
  'net::ERR_CONNECTION_CLOSED',
  'net::ERR_NETWORK_CHANGED',
  'net::ERR_ABORTED',
  'Failed to load resource: the server responded with a status of',
];

function collectErrors(context: BrowserContext): PageErrors {
  const errors: PageErrors = {
    pageErrors: [],
    consoleErrors: [],
    unexpectedConsoleErrors() {
      return errors.consoleErrors.filter((m) => !NETWORK_NOISE.some((n) => m.includes(n)));
    },
  };
  const watch = (page: Page) => {
    page.on('pageerror', (err) => errors.pageErrors.push(`${err.name}: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.consoleErrors.push(msg.text());
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return errors;
}

function wrapContext(context: BrowserContext): TestContext {
  const errors = collectErrors(context);
  return {
    context,
    errors,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close().catch(() => undefined);
    },
  };
}

/** Launch one headless Chromium (per test file); make a fresh context per test. */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  return {
    browser,
    newContext: async (options) => wrapContext(await browser.newContext({ userAgent: visitorUserAgent(), ...options })),
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}

async function openPersistent(userDataDir: string, options: BrowserContextOptions): Promise<PersistentBrowser> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    userAgent: visitorUserAgent(),
    ...options,
  });
  const base = wrapContext(context);
  let removeDir = true;
  const handle: PersistentBrowser = {
    ...base,
    userDataDir,
    // A persistent context opens with one blank tab: reuse it first.
    newPage: async () => {
      const blank = context.pages().find((p) => p.url() === 'about:blank');
      return blank ?? context.newPage();
    },
    close: async () => {
      await context.close().catch(() => undefined);
      if (removeDir) await rm(userDataDir, { recursive: true, force: true });
    },
    relaunch: async () => {
      removeDir = false;
      await context.close().catch(() => undefined);
      return openPersistent(userDataDir, options);
    },
  };
  return handle;
}

/**
 * A persistent Chromium profile in a fresh mkdtemp user-data-dir (removed on close).
 * Use for tests that close the whole browser and come back to the same profile.
 */
export async function launchPersistent(options: BrowserContextOptions = {}): Promise<PersistentBrowser> {
  const dir = await mkdtemp(join(tmpdir(), 'portrait-e2e-'));
  return openPersistent(dir, options);
}

/** Names of the IndexedDB databases, cookies and localStorage keys the page's origin holds. */
export async function storageFootprint(page: Page): Promise<{ cookies: string[]; localStorage: string[]; sessionStorage: string[]; indexedDB: string[] }> {
  const inPage = await page.evaluate(async () => {
    const dbs = typeof indexedDB !== 'undefined' && indexedDB.databases ? await indexedDB.databases() : [];
    return {
      localStorage: Object.keys(localStorage),
      sessionStorage: Object.keys(sessionStorage),
      indexedDB: dbs.map((d) => d.name ?? ''),
    };
  });
  const cookies = (await page.context().cookies()).map((c) => c.name);
  return { cookies, ...inPage };
}
