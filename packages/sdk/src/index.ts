import { createPortrait } from './create-portrait';
import type { Portrait } from './types';

export { createPortrait } from './create-portrait';
export type * from './types';

/**
 * A ready SDK instance, not started: call `init` once (calls made before are replayed).
 *
 * @example
 * import { portrait } from '@portrait/sdk';
 * portrait.init({ writeKey: 'wk_123', consent: 'required' });
 * portrait.page();
 * portrait.track('Product Added', { product_id: 'p1', price: 19.9 });
 * acceptButton.onclick = () => portrait.consent.grant();
 */
export const portrait: Portrait = /* @__PURE__ */ createPortrait();
