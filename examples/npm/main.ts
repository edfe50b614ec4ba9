/**
 * Using Portrait from a bundler (Vite, webpack, rollup, esbuild...).
 * Only what you import is bundled: the core is ~3.9 KB gzip, each capture plugin is
 * its own entry point, and web vitals load only if you add the plugin.
 */
import { portrait } from '@portrait/sdk';
import { browsing, campaigns, clicks, pages, sessions } from '@portrait/sdk/capture';
import { ecommerce } from '@portrait/sdk/ecommerce';

const shop = ecommerce();

portrait.init({
  writeKey: 'wk_demo',
  host: 'http://127.0.0.1:8787',
  // GDPR sites: nothing is stored or sent until the visitor agrees.
  consent: 'required',
  plugins: [pages(), clicks(), browsing(), sessions(), campaigns(), shop],
});

// Wire this to your consent banner.
document.querySelector('#accept')?.addEventListener('click', () => portrait.consent.grant());
document.querySelector('#decline')?.addEventListener('click', () => portrait.consent.deny());

portrait.on('error', (err) => console.warn('portrait:', err.kind, err.message));

// Typed Segment V2 e-commerce events.
shop.productViewed({ product_id: 'mug', sku: 'SKU-MUG', name: 'Portrait Mug', price: 12.5, currency: 'EUR' });
shop.orderCompleted({
  order_id: 'O-1001',
  revenue: 25,
  currency: 'EUR',
  products: [{ product_id: 'mug', price: 12.5, quantity: 2 }],
});

export function onLogin(userId: string, email: string) {
  portrait.identify(userId, { email });
}
