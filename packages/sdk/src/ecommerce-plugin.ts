import { onView } from './capture/on-view';
import { parseJson } from './capture/parse-json';
import type { EcommerceWarn } from './ecommerce-check';
import type { EcommerceHelpers } from './ecommerce-types';
import type { CallOptions, Core, JsonObject, Plugin } from './types';

const PRODUCT = 'data-portrait-product';
const ADD = 'data-portrait-add-to-cart';
const REMOVE = 'data-portrait-remove-from-cart';
const BUTTONS = `[${ADD}],[${REMOVE}]`;

/**
 * The V2 event names, in the order of `ECOMMERCE_EVENTS` (@portrait/protocol); each
 * helper's name is the camelCase of its event (`Product Added to Wishlist` ->
 * `productAddedToWishlist`). A string, not the protocol's object, to keep the
 * script-tag build small; a unit test holds both in step.
 */
export const ECOMMERCE_NAMES =
  'Products Searched,Product List Viewed,Product List Filtered,Promotion Viewed,Promotion Clicked,Product Clicked,Product Viewed,Product Added,Product Removed,Cart Viewed,Checkout Started,Checkout Step Viewed,Checkout Step Completed,Payment Info Entered,Order Completed,Order Updated,Order Refunded,Order Cancelled,Coupon Entered,Coupon Applied,Coupon Denied,Coupon Removed,Product Added to Wishlist,Product Removed from Wishlist,Wishlist Product Added to Cart,Product Shared,Cart Shared,Product Reviewed';

/** `Product Added to Wishlist` -> `productAddedToWishlist` */
export const helperName = (event: string): string =>
  event[0].toLowerCase() + event.slice(1).replace(/ (\w)/g, (_, c: string) => c.toUpperCase());

/** The e-commerce plugin: a plugin plus one typed helper per V2 event. */
export type Ecommerce = Plugin & EcommerceHelpers;

/**
 * The e-commerce plugin (see `ecommerce`) with its debug-mode shape check supplied:
 * npm builds pass `ecommerceWarn` itself, the script tag a loader of the debug chunk.
 */
export const ecommercePlugin = (check: EcommerceWarn): Ecommerce => {
  let core: Core | undefined;
  const queue: [string, JsonObject, CallOptions?][] = [];
  const send = (event: string, p: JsonObject, o?: CallOptions) => {
    if (!core) return void (queue.length < 100 && queue.push([event, p, o]));
    check(core, event, p);
    core.track(event, p, o);
  };
  const api = {
    name: 'ecommerce',
    setup(c: Core) {
      core = c;
      queue.splice(0).forEach((a) => send(...a));
      const json = (el: Element | null): JsonObject | undefined => {
        const v = parseJson(el?.getAttribute(PRODUCT));
        if (v?.constructor == Object) return v;
        c.warn(PRODUCT + ' must hold a JSON object', el);
      };
      const scan = () => {
        const seen: unknown[] = [];
        document.querySelectorAll(`[${PRODUCT}]:not(${BUTTONS})`).forEach((e) => {
          const p = json(e);
          if (p && !seen.includes(p.product_id)) seen.push(p.product_id), send('Product Viewed', p);
        });
      };
      const click = (ev: Event) => {
        const t = ev.target as Element;
        const b = t?.closest?.(BUTTONS);
        if (!b || b.closest('[data-portrait-ignore]')) return;
        const p = json(b.closest(`[${PRODUCT}]`)); // the button's own, or the nearest enclosing one
        const q = b.getAttribute('data-portrait-quantity') || '';
        const n = +q || (q && +(document.querySelector(q) as HTMLInputElement | null)?.value!);
        if (p) send(b.hasAttribute(ADD) ? 'Product Added' : 'Product Removed', { ...p, quantity: n || (p.quantity as number) || 1 });
      };
      document.addEventListener('click', click, true);
      onView(() => setTimeout(scan));
      if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', scan);
      else scan();
    },
  } as Ecommerce;
  ECOMMERCE_NAMES.split(',').forEach((event) => {
    (api as unknown as Record<string, unknown>)[helperName(event)] = (p: object, o?: CallOptions) =>
      send(event, (p || {}) as JsonObject, o);
  });
  return api;
};
