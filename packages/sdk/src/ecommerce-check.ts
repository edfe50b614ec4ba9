import type { Core, JsonObject } from './types';

const NUMBERS = /^(price|quantity|position|value|revenue|total|subtotal|shipping|tax|discount|rating)$/;

type Obj = Record<string, unknown>;

/**
 * Shape problems of an e-commerce event's properties, as messages for debug mode:
 * money and counts that are not numbers, products (single-product events and
 * `products[]` items) without `product_id`, orders without `order_id`.
 *
 * @example ecommerceCheck('Product Added', { price: '9' }) // ['Product Added: price must be a number', 'Product Added: product_id is missing']
 */
export const ecommerceCheck = (event: string, p: Obj): string[] => {
  const out: string[] = [];
  const check = (o: Obj, at: string, product?: unknown) => {
    for (const k in o) if (NUMBERS.test(k) && typeof o[k] != 'number') out.push(at + k + ' must be a number');
    if (product && o.product_id == null) out.push(at + 'product_id is missing');
  };
  check(p, '', /^(Product (?!List)|Wishlist)/.test(event));
  if (/^Order /.test(event) && p.order_id == null) out.push('order_id is missing');
  if (p.products && !Array.isArray(p.products)) out.push('products must be an array');
  else ((p.products as Obj[]) || []).forEach((it, i) => check(Object(it), `products[${i}].`, 1));
  return out.map((m) => event + ': ' + m);
};

/** Reports an e-commerce event's shape problems (`ecommerceCheck`) as debug warnings of `core`. */
export type EcommerceWarn = (core: Core, event: string, properties: JsonObject) => void;

/** The `EcommerceWarn` of npm builds and of the script tag's debug chunk. Never throws: checking never stops an event. */
export const ecommerceWarn: EcommerceWarn = (core, event, p) => {
  try {
    ecommerceCheck(event, p).forEach((m) => core.warn(m, p));
  } catch {
    /* an unreadable shape (a throwing getter): no warning */
  }
};
