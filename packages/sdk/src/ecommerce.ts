import { onView } from './capture/on-view';
import { parseJson } from './capture/parse-json';
import { ecommerceCheck } from './ecommerce-check';
import type { EcommerceHelpers } from './ecommerce-types';
import type { CallOptions, Core, JsonObject, Plugin } from './types';

export type * from './ecommerce-types';

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
 * Segment V2 e-commerce events, typed, plus a declarative form for static shops.
 *
 * Helpers: `shop.productAdded({ product_id: 'p1', price: 19.9, quantity: 1 })` sends
 * `Product Added`; every event of the V2 spec has one (`orderCompleted`,
 * `checkoutStarted`, `couponApplied`, ...). Calls made before the plugin is set up are
 * kept (up to 100) and sent once it is. With `debug: true` wrong shapes are reported
 * through the SDK's warnings (price not a number, product without product_id...);
 * the event is still sent as given.
 *
 * Declarative attributes (values are JSON objects with V2 product fields):
 * - `data-portrait-product='{"product_id":"p1","price":19.9}'` on a product page
 *   element sends `Product Viewed` when the page view starts (and after SPA
 *   navigations and back/forward-cache restores), once per product_id; put catalog
 *   items' JSON on their buttons, not their containers, so lists are not views;
 * - a button with `data-portrait-add-to-cart` (or `data-portrait-remove-from-cart`)
 *   sends `Product Added` (`Product Removed`) on click, with its own
 *   `data-portrait-product` or the nearest enclosing one; `data-portrait-quantity` on
 *   the button is a number or a CSS selector of a quantity input (default 1).
 *
 * @example
 * const shop = ecommerce();
 * init({ writeKey: 'wk_...', plugins: [shop] });
 * shop.orderCompleted({ order_id: 'o-1', total: 42, currency: 'EUR', products: [...] });
 */
export const ecommerce = (): Ecommerce => {
  let core: Core | undefined;
  const queue: [string, JsonObject, CallOptions?][] = [];
  const send = (event: string, p: JsonObject, o?: CallOptions) => {
    if (!core) return void (queue.length < 100 && queue.push([event, p, o]));
    try {
      ecommerceCheck(event, p).forEach((m) => core!.warn(m, p));
    } catch {
      /* checking never stops the event */
    }
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
