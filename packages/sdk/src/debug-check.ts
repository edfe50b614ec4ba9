import type { EcommerceWarn } from './ecommerce-check';
import { loadChunk } from './load-chunk';

/**
 * Script-tag builds: the e-commerce shape check lives in a separate chunk (`src`,
 * normally `portrait-debug.js` beside `portrait.js`) that visitors never download.
 * In debug mode the first e-commerce event fetches it; the events checked meanwhile
 * (up to 100) are checked once it has arrived, so the warnings are the same as with
 * the npm build's `ecommerceWarn`, only a moment later. Without `debug` nothing is fetched.
 *
 * @example ecommercePlugin(debugCheck(new URL('portrait-debug.js', tag.src).href, tag.nonce))
 */
export const debugCheck = (src: string, nonce?: string): EcommerceWarn => {
  let check: EcommerceWarn | undefined;
  let held: Parameters<EcommerceWarn>[] | undefined;
  return (...a) => {
    if (!a[0].options.debug) return;
    if (check) return check(...a);
    if (!held) {
      held = [];
      try {
        loadChunk(src, nonce, (f: EcommerceWarn) => {
          check = f;
          held!.splice(0).forEach((x) => f(...x));
        });
      } catch {
        /* no document.head: no warnings, the events still go */
      }
    }
    if (held.length < 100) held.push(a);
  };
};
