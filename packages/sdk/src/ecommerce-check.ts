const NUMBERS = ['price', 'quantity', 'position', 'value', 'revenue', 'total', 'subtotal', 'shipping', 'tax', 'discount', 'rating'];

type Obj = Record<string, unknown>;

/**
 * Shape problems of an e-commerce event's properties, as messages for debug mode:
 * money and counts that are not numbers, products without `product_id`, orders
 * without `order_id`, searches without `query`, `products` that is not an array.
 *
 * @example ecommerceCheck('Product Added', { price: '9' }) // ['Product Added: price must be a number', 'Product Added: product_id is missing']
 */
export const ecommerceCheck = (event: string, p: Obj): string[] => {
  const out: string[] = [];
  const say = (m: string) => out.push(`${event}: ${m}`);
  const nums = (o: Obj, at: string) =>
    NUMBERS.forEach((k) => o[k] !== undefined && typeof o[k] != 'number' && say(`${at}${k} must be a number`));
  if (!p || typeof p != 'object') return say('properties must be an object'), out;
  nums(p, '');
  if (/^(Product (?!List)|Wishlist)/.test(event) && p.product_id == null) say('product_id is missing');
  if (/^Order /.test(event) && p.order_id == null) say('order_id is missing');
  if (/^Products Searched/.test(event) && p.query == null) say('query is missing');
  if (p.products !== undefined) {
    if (!Array.isArray(p.products)) say('products must be an array');
    else
      p.products.forEach((it: Obj, i) => {
        if (!it || typeof it != 'object') say(`products[${i}] must be an object`);
        else {
          if (it.product_id == null) say(`products[${i}].product_id is missing`);
          nums(it, `products[${i}].`);
        }
      });
  }
  return out;
};
