const NUMBERS = /^(price|quantity|position|value|revenue|total|subtotal|shipping|tax|discount|rating)$/;

type Obj = Record<string, unknown>;

/**
 * Shape problems of an e-commerce event's properties, as messages for debug mode:
 * money and counts that are not numbers, products (single-product events and
 * `products[]` items) without `product_id`, orders without `order_id`, `products`
 * that is not an array of objects.
 *
 * @example ecommerceCheck('Product Added', { price: '9' }) // ['Product Added: price must be a number', 'Product Added: product_id is missing']
 */
export const ecommerceCheck = (event: string, p: Obj): string[] => {
  const out: string[] = [];
  const say = (m: string) => out.push(event + ': ' + m);
  const check = (o: Obj, at: string, product?: unknown) => {
    if (!o || typeof o != 'object') return say((at || 'properties.').replace(/\.$/, ' must be an object'));
    for (const k in o) if (NUMBERS.test(k) && typeof o[k] != 'number') say(at + k + ' must be a number');
    if (product && o.product_id == null) say(at + 'product_id is missing');
  };
  check(p, '', /^(Product (?!List)|Wishlist)/.test(event));
  if (/^Order /.test(event) && p?.order_id == null) say('order_id is missing');
  const list = p?.products;
  if (list !== undefined) {
    if (Array.isArray(list)) list.forEach((it, i) => check(it, `products[${i}].`, 1));
    else say('products must be an array');
  }
  return out;
};
