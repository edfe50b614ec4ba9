import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeCore } from './capture/fake-core';
import { debugCheck } from './debug-check';
import { ecommerceWarn } from './ecommerce-check';
import { CHUNK_VALUE } from './load-chunk';

const injected = () => [...document.querySelectorAll('script[src$="portrait-debug.js"]')] as HTMLScriptElement[];
afterEach(() => injected().forEach((s) => s.remove()));

describe('debugCheck', () => {
  it('fetches nothing without debug mode', () => {
    const core = fakeCore();
    debugCheck('https://c.example/portrait-debug.js')(core, 'Product Added', { price: '1' });
    expect(injected()).toHaveLength(0);
    expect(core.warnings).toEqual([]);
  });

  it('in debug mode loads the chunk once and warns about the events checked before and after it arrived', async () => {
    const core = fakeCore({ debug: true });
    const check = debugCheck('https://c.example/portrait-debug.js', 'n0nce');
    check(core, 'Product Added', { price: '1' });
    check(core, 'Order Completed', { order_id: 'o1' });
    expect(injected()).toHaveLength(1);
    const s = injected()[0];
    expect(s.nonce).toBe('n0nce');
    expect(core.warnings).toEqual([]);
    // What portrait-debug.js (debug-chunk.ts) does when it runs.
    (s as unknown as Record<string, (f: typeof ecommerceWarn) => void>)[CHUNK_VALUE](ecommerceWarn);
    check(core, 'Order Refunded', { total: 'x' });
    expect(injected()).toHaveLength(1);
    await vi.waitFor(() => expect(core.warnings).toHaveLength(4));
    expect(core.warnings).toEqual([
      'Product Added: price must be a number',
      'Product Added: product_id is missing',
      'Order Refunded: total must be a number',
      'Order Refunded: order_id is missing',
    ]);
  });
});
