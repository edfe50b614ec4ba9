import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import snippet from '../snippet.html?raw';
import { startScriptTag } from './script-tag';
import { collector, freshBrowser, settle } from './test-helpers';
import type { Portrait } from './types';

let wk: string;
let c: ReturnType<typeof collector>;

beforeEach(() => {
  wk = freshBrowser();
  c = collector(wk);
  delete (window as { portrait?: unknown }).portrait;
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Runs the README snippet; returns the <script> element it would insert (not loaded: we boot in-process). */
const runSnippet = (): HTMLScriptElement => {
  let tag: HTMLScriptElement | undefined;
  vi.spyOn(document.head, 'appendChild').mockImplementation((el) => ((tag = el as HTMLScriptElement), el));
  const code = snippet.replace(/<\/?script>/g, '').replace('YOUR_WRITE_KEY', wk);
  new Function(code)();
  vi.mocked(document.head.appendChild).mockRestore();
  return tag!;
};

const bootFrom = (tag: HTMLScriptElement, install?: (p: Portrait) => void) => {
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  startScriptTag(install);
  Object.defineProperty(document, 'currentScript', { value: null, configurable: true });
  return window.portrait;
};

it('keeps the snippet under 600 bytes', () => {
  expect(new Blob([snippet.trim()]).size).toBeLessThan(600);
});

it('replays the calls queued by the stub, in order, consent included', async () => {
  const tag = runSnippet();
  expect(tag.async).toBe(true);
  expect(tag.src).toBe('https://collect.example.com/portrait.js');
  const stub = window.portrait;
  stub.identify('u1');
  stub.track('Before Load', { n: 1 });
  stub.consent.grant(['analytics']);
  stub.page();
  expect(c.fetch).not.toHaveBeenCalled();

  const p = bootFrom(tag);
  expect(window.portrait).not.toBe(stub);
  expect(p.consent.get()).toMatchObject({ status: 'granted', categories: { analytics: true, marketing: false } });
  await p.flush();
  expect(c.sent[0].url).toBe('https://collect.example.com/v1/b');
  expect(c.events().map((e) => e.type)).toEqual(['identify', 'track', 'page']);
  expect(c.events().every((e) => e.userId === 'u1')).toBe(true);
  expect(c.events()[0].context!.consent).toMatchObject({ mode: 'required', status: 'granted' });
});

it('with data-consent="required" and no queued grant, sends nothing', async () => {
  const p = bootFrom(runSnippet());
  p.track('x');
  await p.flush();
  await settle();
  expect(p.consent.get().status).toBe('pending');
  expect(c.fetch).not.toHaveBeenCalled();
});

it('reads data-host, and installs plugins before the queued calls are replayed', async () => {
  const tag = document.createElement('script');
  tag.src = 'https://cdn.example.com/portrait.js';
  tag.dataset.writeKey = wk;
  tag.dataset.host = 'https://collect.example.org';
  const order: string[] = [];
  window.portrait = [['track', ['queued']]] as unknown as Portrait;
  const p = bootFrom(tag, (sdk) =>
    sdk.use({ name: 'first-page', setup: (core) => (order.push('setup'), core.on('event', (e) => order.push(e.type))) }),
  );
  await p.flush();
  expect(c.sent[0].url).toBe('https://collect.example.org/v1/b');
  expect(order).toEqual(['setup', 'track']);
  expect(p.consent.get()).toMatchObject({ status: 'granted', source: 'default' });
});

it('an unknown method in the stub queue is skipped without breaking the rest', async () => {
  const tag = runSnippet();
  const q = window.portrait as unknown as unknown[];
  q.push(['nope', []], ['consent.grant', []], ['track', ['after']]);
  const p = bootFrom(tag);
  await p.flush();
  expect(c.events().map((e) => (e as { event?: string }).event)).toEqual(['after']);
});
