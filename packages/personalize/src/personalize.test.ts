import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsentState, Core, Plugin, SdkEvents } from '../../sdk/src/types';
import type { DecideResponse } from './decision-types';
import { FakeIntersectionObserver } from './fake-intersection-observer';
import { personalize } from './personalize';

interface FakeCore extends Core {
  tracked: Array<{ event: string; properties: unknown }>;
  setConsent(personalization: boolean): void;
}

function fakeCore(personalization: boolean): FakeCore {
  const listeners: Array<(s: ConsentState) => void> = [];
  let state: ConsentState = {
    status: 'granted', categories: { analytics: true, personalization, marketing: false }, gpc: false, source: 'api',
  };
  const tracked: FakeCore['tracked'] = [];
  return {
    tracked,
    options: { writeKey: 'wk_test', host: 'https://collect.example.com' },
    track: (event, properties) => void tracked.push({ event, properties }),
    page: () => {},
    identify: () => {},
    addEnricher: () => {},
    on: <K extends keyof SdkEvents>(name: K, cb: (p: SdkEvents[K]) => void) => {
      if (name === 'consent') listeners.push(cb as (s: ConsentState) => void);
      return () => {};
    },
    consent: { grant: () => {}, deny: () => {}, withdraw: () => {}, get: () => state },
    storage: { get: () => undefined, set: () => {}, remove: () => {} },
    warn: () => {},
    user: () => ({ anonymousId: 'anon-1', userId: 'user-9' }),
    setConsent(p: boolean) {
      state = { ...state, categories: { ...state.categories, personalization: p } };
      for (const l of listeners) l(state);
    },
  };
}

const decision: DecideResponse = {
  slots: {
    hero: { campaign: 'cart-reminder', variant: 'v2', holdout: false, content: { headline: 'Hi <img src=x onerror=alert(1)>', cta: { label: 'Back to cart', url: '/cart' } } },
    side: { campaign: 'spring', variant: null, holdout: true },
  },
};

let fetchMock: ReturnType<typeof vi.fn>;
let respond: (body: unknown, status?: number) => void;

function page(): { hero: HTMLElement; side: HTMLElement } {
  document.body.innerHTML = '<div data-portrait-slot="hero">Default hero</div><aside data-portrait-slot="side"><a href="/spring">Spring</a></aside>';
  return { hero: document.querySelector('[data-portrait-slot=hero]')!, side: document.querySelector('[data-portrait-slot=side]')! };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
  fetchMock = vi.fn(
    (_url: string, init: RequestInit) =>
      new Promise<Response>((resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        respond = (body, status = 200) => resolve(new Response(JSON.stringify(body), { status }));
      }),
  );
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  FakeIntersectionObserver.all.clear();
  document.body.replaceChildren();
});

describe('personalize', () => {
  it('is an SDK plugin: fits Plugin and accepts the SDK Core (type-checked)', () => {
    const plugin: Plugin = personalize();
    expect(plugin.name).toBe('personalize');
  });

  it('asks once for every slot on the page, with the visitor ids and page context, as text/plain', async () => {
    page();
    personalize().setup(fakeCore(true));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('https://collect.example.com/v1/decide');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('omit');
    expect(init.headers).toBeUndefined(); // a string body goes as text/plain: no CORS preflight
    expect(JSON.parse(String(init.body))).toEqual({
      writeKey: 'wk_test', anonymousId: 'anon-1', userId: 'user-9', slots: ['hero', 'side'],
      page: { url: location.href, path: location.pathname, referrer: document.referrer },
    });
  });

  it('without personalization consent sends nothing and keeps the default content', async () => {
    const { hero } = page();
    const core = fakeCore(false);
    personalize().setup(core);
    await vi.advanceTimersByTimeAsync(2000);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(hero.shadowRoot).toBeNull();
    expect(core.tracked).toEqual([]);
  });

  it('sends nothing on a page without slots', () => {
    document.body.innerHTML = '<p>No slots</p>';
    personalize().setup(fakeCore(true));
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('renders a decision that arrives in time, as text', async () => {
    const { hero } = page();
    personalize().setup(fakeCore(true));
    await vi.advanceTimersByTimeAsync(100);
    respond(decision);
    await settle();
    await vi.advanceTimersByTimeAsync(0);
    const root = hero.shadowRoot!;
    expect(root.querySelector('strong')!.textContent).toBe('Hi <img src=x onerror=alert(1)>');
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('a')!.getAttribute('href')).toBe('/cart');
  });

  it('ignores a decision arriving after the timeout: the default content stays, nothing is reported', async () => {
    const { hero } = page();
    const core = fakeCore(true);
    personalize({ timeout: 300 }).setup(core);
    const signal = (fetchMock.mock.calls[0][1] as RequestInit).signal!;
    await vi.advanceTimersByTimeAsync(300);
    expect(signal.aborted).toBe(true);
    respond(decision);
    await settle();
    await vi.advanceTimersByTimeAsync(2000);
    expect(hero.shadowRoot).toBeNull();
    expect(FakeIntersectionObserver.observed()).toEqual([]);
    expect(core.tracked).toEqual([]);
  });

  it('keeps the default content on an error answer', async () => {
    const { hero } = page();
    personalize().setup(fakeCore(true));
    respond({ error: 'unknown write key' }, 401);
    await settle();
    await vi.advanceTimersByTimeAsync(0);
    expect(hero.shadowRoot).toBeNull();
  });

  it('reports Promotion Viewed only once half the banner has been visible for a second', async () => {
    const { hero } = page();
    const core = fakeCore(true);
    personalize().setup(core);
    respond(decision);
    await settle();
    await vi.advanceTimersByTimeAsync(0);
    const banner = hero.shadowRoot!.querySelector('[part=banner]')!;
    FakeIntersectionObserver.show(banner, 0.3);
    await vi.advanceTimersByTimeAsync(3000);
    expect(core.tracked.filter((t) => t.properties && (t.properties as { position: string }).position === 'hero')).toEqual([]);
    FakeIntersectionObserver.show(banner, 0.5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(core.tracked).toEqual([
      { event: 'Promotion Viewed', properties: { promotion_id: 'cart-reminder', creative: 'v2', position: 'hero', campaign_id: 'cart-reminder', variant_id: 'v2', holdout: false } },
    ]);
  });

  it('reports the holdout on the default content, with the holdout flag', async () => {
    const { side } = page();
    const core = fakeCore(true);
    personalize().setup(core);
    respond(decision);
    await settle();
    await vi.advanceTimersByTimeAsync(0);
    expect(side.shadowRoot).toBeNull();
    FakeIntersectionObserver.show(side, 1);
    await vi.advanceTimersByTimeAsync(1000);
    side.querySelector('a')!.addEventListener('click', (e) => e.preventDefault());
    side.querySelector('a')!.click();
    const holdout = { promotion_id: 'spring', creative: 'holdout', position: 'side', campaign_id: 'spring', variant_id: null, holdout: true };
    expect(core.tracked).toEqual([
      { event: 'Promotion Viewed', properties: holdout },
      { event: 'Promotion Clicked', properties: holdout },
    ]);
  });

  it('reports Promotion Clicked once for a click on the banner link, not for clicks elsewhere in the slot', async () => {
    const { hero } = page();
    const core = fakeCore(true);
    personalize().setup(core);
    respond(decision);
    await settle();
    await vi.advanceTimersByTimeAsync(0);
    const root = hero.shadowRoot!;
    root.querySelector('strong')!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    expect(core.tracked).toEqual([]);
    const link = root.querySelector('a')!;
    link.addEventListener('click', (e) => e.preventDefault());
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    expect(core.tracked.map((t) => t.event)).toEqual(['Promotion Clicked']);
  });

  it('puts the default content back and stops reporting when personalization consent is withdrawn', async () => {
    const { hero } = page();
    const core = fakeCore(true);
    personalize().setup(core);
    respond(decision);
    await settle();
    await vi.advanceTimersByTimeAsync(0);
    core.setConsent(false);
    expect(hero.shadowRoot!.querySelector('strong')).toBeNull();
    expect(hero.shadowRoot!.querySelector('slot')).not.toBeNull();
    expect(FakeIntersectionObserver.observed()).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(core.tracked).toEqual([]);
  });

  it('waits for the DOM when loaded in the head', async () => {
    const spy = vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading');
    personalize().setup(fakeCore(true));
    expect(fetchMock).not.toHaveBeenCalled();
    page();
    spy.mockReturnValue('interactive');
    document.dispatchEvent(new Event('DOMContentLoaded'));
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
