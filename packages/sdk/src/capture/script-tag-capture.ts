import { debugCheck } from '../debug-check';
import { ecommercePlugin, type Ecommerce } from '../ecommerce-plugin';
import type { Portrait } from '../types';
import { vitalsLoader } from '../vitals-loader';
import { capture } from './index';

/** `window.portrait` of the script-tag build: the SDK plus the e-commerce helpers. */
export type ScriptTagPortrait = Portrait & { ecommerce: Ecommerce };

/**
 * Installs every capture plugin in the script-tag build and exposes the e-commerce
 * helpers as `portrait.ecommerce` (`portrait.ecommerce.orderCompleted({...})`; their
 * debug-mode shape warnings come from `portrait-debug.js`, fetched only with `data-debug`).
 * Script attributes: `data-hash` (hash router: fragment changes are page views),
 * `data-vitals` (load `portrait-vitals.js`, next to `portrait.js`, once consent allows),
 * `data-capture` (which automatic captures run: absent = all; `"pages clicks"` = only
 * those of `pages`, `clicks`, `browsing`; `"off"` = none. Sessions, campaigns and
 * the e-commerce helpers and attributes always work).
 */
export const scriptTagCapture = (p: Portrait, tag: HTMLScriptElement | null): void => {
  const d = tag?.dataset || {};
  const chunk = (f: string) => new URL(f, tag?.src || location.href).href;
  const shop = ecommercePlugin(debugCheck(chunk('portrait-debug.js'), tag?.nonce));
  const only = d.capture && d.capture.split(/[\s,]+/);
  [...capture({ hash: d.hash != null }), shop].forEach(
    (x) => (!only || !/^(pages|clicks|browsing)$/.test(x.name) || only.includes(x.name)) && p.use(x),
  );
  (p as ScriptTagPortrait).ecommerce = shop;
  if (tag && d.vitals != null) p.use(vitalsLoader(chunk('portrait-vitals.js'), tag.nonce));
};
