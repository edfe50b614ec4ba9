import type { DecideRequest, DecideResponse, SlotDecision } from './decision-types';
import { renderBanner } from './render-banner';
import { watchVisibility } from './watch-visibility';

/**
 * What the plugin uses of the SDK core: a structural subset of `Core` from
 * `@portrait/sdk` (packages/sdk/src/types.ts), so this package needs no runtime or type
 * dependency on the SDK and any `Core` fits.
 */
export interface PersonalizeCore {
  readonly options: { readonly writeKey: string; readonly host?: string };
  track(event: string, properties?: Record<string, unknown>): void;
  on(name: 'consent', cb: (state: { categories: { personalization?: boolean } }) => void): () => void;
  consent: { get(): { categories: { personalization?: boolean } } };
  /** The visitor's ids (the SDK core always has it). */
  user?(): { anonymousId: string; userId?: string | null };
}

/** A plugin for `portrait.use()` / `init({ plugins })` (the SDK's `Plugin`). */
export interface PersonalizePlugin {
  name: 'personalize';
  setup(core: PersonalizeCore): () => void;
}

export interface PersonalizeOptions {
  /** Longest wait for a decision, ms (default 300). Later answers are ignored: the default content stays, no flicker. */
  timeout?: number;
  /** Decision endpoint origin. Default: the SDK's `host`, else the page's origin. */
  host?: string;
}

/** Most slot names sent in one decision request. */
export const MAX_SLOTS = 20;

/**
 * The personalization plugin: finds `[data-portrait-slot]` elements, asks the collector
 * once per page view which banner this visitor sees (only with the `personalization`
 * consent category; without it nothing is sent and the default content stays), renders
 * it safely into the slot's shadow root, and reports `Promotion Viewed` (half the
 * banner visible for one second) and `Promotion Clicked` through the SDK, with campaign,
 * variant and holdout flag. Holdout visitors keep the default content and are reported
 * the same way, so the holdout measures honest uplift.
 *
 * @example
 * import { portrait } from '@portrait/sdk';
 * import { personalize } from '@portrait/personalize';
 * portrait.init({ writeKey: 'wk_123', plugins: [personalize({ timeout: 300 })] });
 * // <div data-portrait-slot="hero" style="min-height:180px">Default hero</div>
 */
export function personalize(options: PersonalizeOptions = {}): PersonalizePlugin {
  return {
    name: 'personalize',
    setup(core: PersonalizeCore) {
      const doc = document;
      let stopped = false;
      const cleanups: Array<() => void> = [];
      const stop = (): void => {
        stopped = true;
        for (const c of cleanups.splice(0)) c();
      };
      const start = (): void => {
        doc.removeEventListener('DOMContentLoaded', start);
        if (!stopped) {
          try {
            ask(core, options, cleanups);
          } catch {
            /* never throw into the page */
          }
        }
      };
      // Withdrawn consent: stop reporting and put the default content back.
      cleanups.push(
        core.on('consent', (s) => {
          if (!s.categories.personalization) stop();
        }),
      );
      if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start);
      else start();
      return stop;
    },
  };
}

function ask(core: PersonalizeCore, options: PersonalizeOptions, cleanups: Array<() => void>): void {
  const doc = document;
  const loc = location;
  if (!core.consent.get().categories.personalization || !core.user) return;
  const slots = new Map<string, HTMLElement[]>();
  doc.querySelectorAll<HTMLElement>('[data-portrait-slot]').forEach((el) => {
    const name = el.getAttribute('data-portrait-slot') || '';
    if (name && (slots.has(name) || slots.size < MAX_SLOTS)) slots.set(name, [...(slots.get(name) || []), el]);
  });
  if (!slots.size) return;
  const user = core.user();
  const body: DecideRequest = {
    writeKey: core.options.writeKey,
    anonymousId: user.anonymousId,
    slots: [...slots.keys()],
    page: { url: loc.href, path: loc.pathname, referrer: doc.referrer },
  };
  if (user.userId) body.userId = user.userId;
  const abort = new AbortController();
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    abort.abort();
  }, options.timeout ?? 300);
  cleanups.push(() => {
    late = true;
    clearTimeout(timer);
    abort.abort();
  });
  const host = (options.host || core.options.host || loc.origin).replace(/\/+$/, '');
  fetch(`${host}/v1/decide`, { method: 'POST', body: JSON.stringify(body), credentials: 'omit', signal: abort.signal })
    .then((r) => (r.ok ? (r.json() as Promise<DecideResponse>) : null))
    .then((res) => {
      if (late || !res || typeof res.slots !== 'object' || !res.slots) return;
      clearTimeout(timer);
      slots.forEach((els, name) => {
        const d = res.slots[name];
        if (d && typeof d.campaign === 'string') for (const el of els) show(core, el, name, d, cleanups);
      });
    })
    .catch(() => {
      /* offline, blocked, aborted: the default content stays */
    });
}

function show(core: PersonalizeCore, host: HTMLElement, slot: string, d: NonNullable<SlotDecision>, cleanups: Array<() => void>): void {
  let target: HTMLElement | null = host;
  if (!d.holdout) {
    if (!d.content || typeof d.content.headline !== 'string') return;
    target = renderBanner(host, d.content);
    if (!target) return;
    cleanups.push(() => host.shadowRoot?.replaceChildren(host.ownerDocument.createElement('slot')));
  }
  const props = {
    promotion_id: d.campaign,
    creative: d.holdout ? 'holdout' : d.variant,
    position: slot,
    campaign_id: d.campaign,
    variant_id: d.holdout ? null : d.variant,
    holdout: d.holdout,
  };
  cleanups.push(watchVisibility(target, () => core.track('Promotion Viewed', props)));
  let clicked = false;
  const onClick = (e: Event): void => {
    // A click on a link of the banner (or of the default content, for the holdout); once per page view.
    if (!clicked && e.composedPath().some((n) => (n as Element).tagName === 'A')) {
      clicked = true;
      core.track('Promotion Clicked', props);
    }
  };
  host.addEventListener('click', onClick);
  cleanups.push(() => host.removeEventListener('click', onClick));
}
