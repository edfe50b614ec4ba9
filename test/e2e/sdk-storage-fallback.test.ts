import { describe, expect, it } from 'vitest';
import { flush, openSdkPage, sdkReports, trackMany } from './support/sdk-page';
import { named } from './support/recording-server';
import { useE2E } from './support/use-e2e';

/**
 * IndexedDB unavailable (private mode, quota, a broken profile; issue 2, scenario 22):
 * the SDK falls back to memory, delivers every event, and no exception reaches the page.
 */

type W = Window & { portrait: any };

const BREAKAGES: Array<{ name: string; script: () => void }> = [
  {
    name: 'indexedDB.open throws (SecurityError)',
    script: () => {
      IDBFactory.prototype.open = function open() {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    },
  },
  {
    name: 'opening fails asynchronously (QuotaExceededError)',
    script: () => {
      IDBFactory.prototype.open = function open() {
        const req = new EventTarget() as IDBOpenDBRequest & { error: DOMException | null };
        Object.defineProperty(req, 'error', { value: new DOMException('Quota exceeded', 'QuotaExceededError') });
        Object.defineProperty(req, 'result', { get() { throw new DOMException('no result', 'InvalidStateError'); } });
        setTimeout(() => {
          const ev = new Event('error');
          req.onerror?.call(req, ev);
          req.dispatchEvent(ev);
        }, 0);
        return req;
      };
    },
  },
  {
    name: 'writes fail (QuotaExceededError on put)',
    script: () => {
      IDBObjectStore.prototype.put = function put() {
        throw new DOMException('Quota exceeded', 'QuotaExceededError');
      };
    },
  },
  {
    name: 'window.indexedDB is missing',
    script: () => {
      Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
    },
  },
];

describe('SDK without a working IndexedDB (real Chromium)', () => {
  const env = useE2E();

  for (const breakage of BREAKAGES) {
    it(`${breakage.name}: memory fallback, all events delivered, no page error`, async () => {
      const page = await env.ctx.newPage();
      await page.addInitScript(breakage.script);
      await openSdkPage(page, env.server);

      await page.evaluate(() => {
        const p = (window as unknown as W).portrait;
        p.page();
        p.identify('user-7', { plan: 'team' });
      });
      await trackMany(page, 25, 'Memory only');
      await flush(page);
      await env.server.waitForUnique(25, { filter: named('Memory only') });
      await env.server.waitFor((s) => s.acceptedEvents().some((e) => e.type === 'identify' && e.userId === 'user-7'));

      expect(env.server.sentIds(named('Memory only'))).toHaveLength(25);
      expect(env.server.duplicateIds()).toEqual([]);
      expect(env.ctx.errors.pageErrors).toEqual([]);
      // The failure is reported to the site (once), not thrown at it.
      const storageErrors = (await sdkReports(page)).errors.filter((e) => e.kind === 'storage');
      expect(storageErrors.length).toBeLessThanOrEqual(1);
    });
  }
});
