import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TrackEvent } from '@portrait/protocol';
import { REPO_ROOT } from './support/recording-server';
import { useE2E } from './support/use-e2e';
import { flushPage, sdkReady, stored, tracks, waitTracks } from './fixtures/capture/events';

const env = useE2E();
const SHOP = join(REPO_ROOT, 'examples/shop');
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css', js: 'text/javascript' };

beforeEach(() => {
  // The shop as `npm start` serves it: its files under /shop/, portrait.js and the vitals chunk at the root.
  for (const f of readdirSync(SHOP)) {
    const ext = f.split('.').pop()!;
    if (TYPES[ext]) env.server.setPage(`/shop/${f}`, readFileSync(join(SHOP, f), 'utf8'), TYPES[ext]);
  }
  const vitals = readFileSync(join(REPO_ROOT, 'packages/sdk/dist/portrait-vitals.js'), 'utf8');
  env.server.setPage('/portrait-vitals.js', vitals, TYPES.js);
});

const props = (name: string, i = 0) => (tracks(env.server, name)[i] as TrackEvent | undefined)?.properties;

describe('examples/shop journey in Chromium', () => {
  it('view, add, remove, cart, checkout and order produce the V2 events with their properties', async () => {
    const page = await env.ctx.newPage();
    await page.goto(env.server.url('/shop/index.html'));
    await sdkReady(page);
    await page.click('#catalog li:nth-child(2) button'); // Classic Tee from the catalog
    await page.click('text=Portrait Mug'); // product link
    await page.waitForURL(/product-mug/);
    await sdkReady(page);
    await page.fill('#qty', '2');
    await page.click('#add');
    await page.waitForSelector('#added:not([hidden])');
    await page.click('#cart-link');
    await page.waitForURL(/cart\.html/);
    await sdkReady(page);
    await page.click('tr:has-text("Classic Tee") button'); // remove the tee
    await page.waitForFunction(() => document.querySelectorAll('#lines tbody tr').length == 1);
    await page.click('#checkout');
    await page.waitForURL(/checkout\.html/);
    await sdkReady(page);
    await page.fill('#name', 'Ada Lovelace');
    await page.fill('#email', 'ada@example.com');
    await page.fill('#address', '1 Analytical Way');
    await page.fill('#card', '4242 4242 4242 4242');
    await page.click('#place-order');
    await page.waitForURL(/order\.html/);
    await sdkReady(page);
    await page.waitForSelector('text=/Order O-/');
    await flushPage(page);
    await waitTracks(env.server, 'Order Completed');

    const mug = { product_id: 'mug', sku: 'SKU-MUG', name: 'Portrait Mug', category: 'Kitchen', brand: 'Portrait', price: 12.5, url: 'product-mug.html' };
    const tee = { product_id: 'tee', sku: 'SKU-TEE', name: 'Classic Tee', category: 'Apparel', brand: 'Portrait', price: 24, url: 'product-tee.html' };
    expect(props('Product List Viewed')).toMatchObject({ list_id: 'catalog', products: [{ product_id: 'mug', position: 1 }, { product_id: 'tee', position: 2 }, {}, {}] });
    expect(props('Product Clicked')).toEqual({ ...mug, position: 1 });
    expect(props('Product Viewed')).toEqual(mug);
    expect(tracks(env.server, 'Product Viewed')).toHaveLength(1); // the catalog is a list, not four views
    expect(tracks(env.server, 'Product Added').map((e) => e.properties)).toEqual([
      { ...tee, quantity: 1 },
      { ...mug, quantity: 2 },
    ]);
    expect(props('Cart Viewed')).toMatchObject({ cart_id: expect.stringMatching(/^C-/), products: [{ ...tee, quantity: 1, position: 1 }, { ...mug, quantity: 2, position: 2 }] });
    expect(props('Product Removed')).toMatchObject({ ...tee, quantity: 1 });
    expect(props('Checkout Started')).toMatchObject({ value: 25, revenue: 25, currency: 'EUR', products: [{ ...mug, quantity: 2 }] });
    expect(props('Checkout Step Completed')).toMatchObject({ step: 1, shipping_method: 'standard' });
    expect(props('Payment Info Entered')).toMatchObject({ step: 2, payment_method: 'card' });
    const order = props('Order Completed')!;
    expect(order).toMatchObject({
      order_id: expect.stringMatching(/^O-/),
      subtotal: 25,
      shipping: 4.9,
      total: 29.9,
      revenue: 25,
      currency: 'EUR',
      products: [{ ...mug, quantity: 2, position: 1 }],
    });
    expect(order.checkout_id).toBe(props('Checkout Started')!.checkout_id);
    expect(tracks(env.server, 'Order Completed')).toHaveLength(1);

    // page views on every page, one session, and the card number never left the page
    expect(stored(env.server).filter((e) => e.type == 'page').map((e) => new URL(e.context!.page!.url!).pathname)).toEqual([
      '/shop/index.html', '/shop/product-mug.html', '/shop/cart.html', '/shop/checkout.html', '/shop/order.html',
    ]);
    expect(new Set(stored(env.server).map((e) => e.context!.session!.id)).size).toBe(1);
    const wire = env.server.ingestRequests().map((r) => r.rawBody).join('\n');
    expect(wire).not.toContain('4242');
    expect(env.ctx.errors.pageErrors).toEqual([]);

    // reloading the confirmation page does not count the order twice
    await page.reload();
    await sdkReady(page);
    await page.evaluate(() => (window as unknown as { portrait: { track(e: string): void } }).portrait.track('Reloaded'));
    await flushPage(page);
    await waitTracks(env.server, 'Reloaded');
    expect(tracks(env.server, 'Order Completed')).toHaveLength(1);
  });
});
