/**
 * Entry of `dist/portrait-debug.js`, injected by `debugCheck` in debug mode only:
 * hands the e-commerce shape check to the callback its script element carries.
 */
import { ecommerceWarn } from './ecommerce-check';
import { CHUNK_VALUE } from './load-chunk';

try {
  (document.currentScript as unknown as Record<string, (f: typeof ecommerceWarn) => void> | null)?.[CHUNK_VALUE]?.(ecommerceWarn);
} catch {
  /* never throw into the page */
}
