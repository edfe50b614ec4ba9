import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeCore } from './capture/fake-core';
import { ECOMMERCE_EVENTS } from '@portrait/protocol';
import { ECOMMERCE_NAMES, ecommerce, helperName } from './ecommerce';
import { ecommerceCheck } from './ecommerce-check';

const tracked = (core: ReturnType<typeof fakeCore>) =>
  core.events.map((e) => [(e as { event: string }).event, (e as { properties: unknown }).properties]);
afterEach(() => {
  document.body.innerHTML = '';
  vi.useRealTimers();
});

describe('ecommerce helpers', () => {
  it('cover every V2 event of the protocol under its camelCase name', () => {
    const names = ECOMMERCE_NAMES.split(',');
    expect(Object.fromEntries(names.map((n) => [helperName(n), n]))).toEqual(ECOMMERCE_EVENTS);
    const shop = ecommerce() as unknown as Record<string, unknown>;
    for (const k of Object.keys(ECOMMERCE_EVENTS)) expect(typeof shop[k]).toBe('function');
  });

  it('send the V2 event names with the given properties; calls before setup are kept', () => {
    const shop = ecommerce();
    shop.productViewed({ product_id: 'p1', price: 19.9 });
    const core = fakeCore();
    shop.setup(core);
    shop.orderCompleted({ order_id: 'o1', total: 39.8, currency: 'EUR', products: [{ product_id: 'p1', price: 19.9, quantity: 2 }] });
    shop.productAddedToWishlist({ product_id: 'p2', wishlist_id: 'w' });
    shop.couponApplied({ coupon_id: 'SPRING' });
    expect(tracked(core)).toEqual([
      ['Product Viewed', { product_id: 'p1', price: 19.9 }],
      ['Order Completed', { order_id: 'o1', total: 39.8, currency: 'EUR', products: [{ product_id: 'p1', price: 19.9, quantity: 2 }] }],
      ['Product Added to Wishlist', { product_id: 'p2', wishlist_id: 'w' }],
      ['Coupon Applied', { coupon_id: 'SPRING' }],
    ]);
    expect(core.warnings).toEqual([]);
  });

  it('warn about wrong shapes (debug mode) and still send the event', () => {
    const shop = ecommerce();
    const core = fakeCore({ debug: true });
    shop.setup(core);
    // @ts-expect-error price must be a number
    shop.productAdded({ name: 'Mug', price: '9.90' });
    // @ts-expect-error order_id is required
    shop.orderCompleted({ total: 5, products: [{ price: 5 }] });
    expect(core.warnings).toEqual([
      'Product Added: price must be a number',
      'Product Added: product_id is missing',
      'Order Completed: order_id is missing',
      'Order Completed: products[0].product_id is missing',
    ]);
    expect(core.events).toHaveLength(2);
  });
});

describe('ecommerceCheck', () => {
  it('accepts well-formed events and names every problem of bad ones', () => {
    expect(ecommerceCheck('Product List Viewed', { list_id: 'x', products: [{ product_id: 'a', position: 1 }] })).toEqual([]);
    expect(ecommerceCheck('Order Refunded', { order_id: 'o1', total: 5 })).toEqual([]);
    expect(ecommerceCheck('Cart Viewed', { products: 'p1' })).toEqual(['Cart Viewed: products must be an array']);
    expect(ecommerceCheck('Cart Viewed', { products: [null, { product_id: 'b', quantity: '2' }] })).toEqual([
      'Cart Viewed: products[0].product_id is missing',
      'Cart Viewed: products[1].quantity must be a number',
    ]);
  });
});

describe('declarative e-commerce', () => {
  it('sends Product Viewed for a product page and Product Added / Removed from buttons', () => {
    document.body.innerHTML = `
      <main data-portrait-product='{"product_id":"mug-1","name":"Mug","price":12.5}'>
        <input id="qty" type="number" value="3">
        <button id="add" data-portrait-add-to-cart data-portrait-quantity="#qty">Add</button>
        <button id="rm" data-portrait-remove-from-cart data-portrait-quantity="1">Remove</button>
      </main>
      <button id="other" data-portrait-add-to-cart data-portrait-product='{"product_id":"tee","price":20}'>Add tee</button>
      <button id="bad" data-portrait-add-to-cart data-portrait-product='{"product_id":'>Broken</button>`;
    const core = fakeCore({ debug: true });
    ecommerce().setup(core);
    (document.querySelector('#add') as HTMLElement).click();
    (document.querySelector('#rm') as HTMLElement).click();
    (document.querySelector('#other') as HTMLElement).click();
    (document.querySelector('#bad') as HTMLElement).click();
    expect(tracked(core)).toEqual([
      ['Product Viewed', { product_id: 'mug-1', name: 'Mug', price: 12.5 }],
      ['Product Added', { product_id: 'mug-1', name: 'Mug', price: 12.5, quantity: 3 }],
      ['Product Removed', { product_id: 'mug-1', name: 'Mug', price: 12.5, quantity: 1 }],
      ['Product Added', { product_id: 'tee', price: 20, quantity: 1 }],
    ]);
    expect(core.warnings).toEqual(['data-portrait-product must hold a JSON object']);
  });

  it('treats catalog buttons that carry their own product as add-to-cart only, not views', () => {
    document.body.innerHTML = `<ul>
      <li><a href="#a">A</a><button id="a" data-portrait-add-to-cart data-portrait-product='{"product_id":"a","price":1}'>Add</button></li>
      <li><a href="#b">B</a><button id="b" data-portrait-add-to-cart data-portrait-product='{"product_id":"b","price":2}'>Add</button></li>
    </ul>`;
    const core = fakeCore();
    ecommerce().setup(core);
    (document.querySelector('#b') as HTMLElement).click();
    expect(tracked(core)).toEqual([['Product Added', { product_id: 'b', price: 2, quantity: 1 }]]);
  });

  it('sends the product page view again after an SPA navigation', () => {
    vi.useFakeTimers();
    history.replaceState(null, '', '/p/1');
    vi.runAllTimers();
    document.body.innerHTML = `<div data-portrait-product='{"product_id":"1"}'></div>`;
    const core = fakeCore();
    ecommerce().setup(core);
    document.body.innerHTML = `<div data-portrait-product='{"product_id":"2"}'></div>`;
    history.pushState(null, '', '/p/2');
    vi.runAllTimers();
    history.pushState(null, '', '/p/2#reviews');
    vi.runAllTimers();
    expect(tracked(core)).toEqual([
      ['Product Viewed', { product_id: '1' }],
      ['Product Viewed', { product_id: '2' }],
    ]);
  });
});
