import { ecommerceWarn } from './ecommerce-check';
import { ecommercePlugin, type Ecommerce } from './ecommerce-plugin';

export type * from './ecommerce-types';
export { ECOMMERCE_NAMES, helperName, type Ecommerce } from './ecommerce-plugin';

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
export const ecommerce = (): Ecommerce => ecommercePlugin(ecommerceWarn);
