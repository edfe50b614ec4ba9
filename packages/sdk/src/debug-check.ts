import type { EcommerceWarn } from './ecommerce-check';
import { loadChunk } from './load-chunk';
import { noop } from './noop';

/**
 * Script-tag builds: the e-commerce shape check lives in a separate chunk (`src`,
 * normally `portrait-debug.js` beside `portrait.js`) that visitors never download.
 * In debug mode the first e-commerce event fetches it, and every event is checked
 * once it has arrived, so the warnings are those of the npm build's `ecommerceWarn`,
 * only a moment later. Without `debug` nothing is fetched. Never throws: a chunk
 * that cannot be added or loaded means no warnings, and the events still go.
 *
 * @example ecommercePlugin(debugCheck(new URL('portrait-debug.js', tag.src).href, tag.nonce))
 */
export const debugCheck = (src: string, nonce?: string): EcommerceWarn => {
  let check: Promise<EcommerceWarn> | undefined;
  return (...a) => {
    if (a[0].options.debug) (check ||= new Promise((r) => loadChunk(src, nonce, r))).then((f) => f(...a), noop);
  };
};
