import { createPortrait } from './create-portrait';
import type { Portrait } from './types';

declare global {
  interface Window {
    portrait: Portrait;
  }
}

/**
 * Boots the script-tag build: creates the SDK as `window.portrait`, lets `install`
 * add plugins, replays the calls the stub snippet queued (in order), then starts
 * the SDK from the tag's data attributes: `data-write-key` (without it, call
 * `portrait.init()` yourself), `data-host` (default: the origin the script came
 * from), `data-consent` (`required` | `optional`, default `optional`), `data-debug`.
 * Plugins are set up by `init` before the replayed calls run, so their enrichers
 * (session, campaign) apply to those calls too.
 */
export const startScriptTag = (install?: (p: Portrait, tag: HTMLScriptElement | null) => void): void => {
  const tag = document.currentScript as HTMLScriptElement | null;
  const data = tag?.dataset || {};
  // The stub snippet makes window.portrait an array of [method, arguments] (method may be 'consent.grant').
  const stub = window.portrait as unknown;
  const p = (window.portrait = createPortrait());
  install?.(p, tag);
  if (Array.isArray(stub)) {
    for (const [m, args] of stub as [string, unknown[]][]) {
      try {
        // The SDK's methods do not use `this`, so 'consent.grant' can be looked up and called as is.
        (m.split('.').reduce((t: any, k) => t[k], p) as (...x: unknown[]) => void)(...args);
      } catch {
        /* an unknown method in the stub queue: skip it, keep the rest */
      }
    }
  }
  if (data.writeKey) {
    p.init({
      ...(data as { writeKey: string }),
      host: data.host || new URL(tag!.src).origin,
      debug: data.debug != null,
    });
  }
};
