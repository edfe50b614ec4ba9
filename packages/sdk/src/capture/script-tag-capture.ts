import { ecommerce, type Ecommerce } from '../ecommerce';
import type { Portrait } from '../types';
import { vitalsLoader } from '../vitals-loader';
import { capture } from './index';

/** `window.portrait` of the script-tag build: the SDK plus the e-commerce helpers. */
export type ScriptTagPortrait = Portrait & { ecommerce: Ecommerce };

/**
 * Installs every capture plugin in the script-tag build and exposes the e-commerce
 * helpers as `portrait.ecommerce` (`portrait.ecommerce.orderCompleted({...})`).
 * Script attributes: `data-hash` (hash router: fragment changes are page views),
 * `data-vitals` (load `portrait-vitals.js`, next to `portrait.js`, once consent allows),
 * `data-capture` (which automatic captures run: absent = all; `"pages clicks"` = only
 * those of `pages`, `clicks`, `browsing`; `"off"` = none. Sessions, campaigns and
 * the e-commerce helpers and attributes always work).
 */
export const scriptTagCapture = (p: Portrait, tag: HTMLScriptElement | null): void => {
  const d = tag?.dataset || {};
  const shop = ecommerce();
  const only = d.capture && d.capture.split(/[\s,]+/);
  [...capture({ hash: d.hash != null }), shop].forEach(
    (x) => (!only || !/^(pages|clicks|browsing)$/.test(x.name) || only.includes(x.name)) && p.use(x),
  );
  (p as ScriptTagPortrait).ecommerce = shop;
  if (tag && d.vitals != null) p.use(vitalsLoader(new URL('portrait-vitals.js', tag.src).href, tag.nonce));
};
