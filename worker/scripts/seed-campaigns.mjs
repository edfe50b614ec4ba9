#!/usr/bin/env node
/**
 * Seeds the demo tenant's personalization campaigns for the demo shop's hero slot
 * (`<div data-portrait-slot="hero">` + `/personalize.js`) through the marketer API:
 *
 * - "Cart reminder" (priority 10): visitors whose portrait holds a cart
 *   (`commerce.cart.count > 0`) see a reminder naming their top cart item, two variants;
 * - "Welcome" (priority 0): everyone else sees a greeting by first name, two variants.
 *
 * Both keep a 10% holdout and count `Order Completed` within 7 days as the goal. Idempotent:
 * a campaign whose name already exists is left as it is. Plain node, no dependencies.
 *
 *   node worker/scripts/seed-campaigns.mjs [--host http://127.0.0.1:8787] [--secret-key sk_demo]
 */
const args = { host: 'http://127.0.0.1:8787', secretKey: 'sk_demo' };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--host') args.host = String(process.argv[++i]).replace(/\/+$/, '');
  else if (a === '--secret-key') args.secretKey = String(process.argv[++i]);
  else {
    console.error(`seed-campaigns: unknown argument ${a}`);
    process.exit(2);
  }
}

const goal = { event: 'Order Completed', windowHours: 168 };
const DEMO_CAMPAIGNS = [
  {
    name: 'Cart reminder',
    slot: 'hero',
    priority: 10,
    status: 'active',
    holdout: 0.1,
    goal,
    audience: { rule: { field: 'commerce.cart.count', op: 'gt', value: 0 } },
    frequencyCap: { impressions: 20, periodHours: 24 },
    variants: [
      { id: 'reminder', name: 'Plain reminder', content: {
        headline: 'Still thinking about your {{cart.topItem | default: "cart"}}?',
        body: 'It is waiting for you. Free shipping over €40.',
        cta: { label: 'Back to my cart', url: 'cart.html' },
        theme: { background: '#fff4e6', accent: '#d9480f', radius: '10px' },
      } },
      { id: 'nudge', name: 'Personal nudge', content: {
        headline: '{{traits.firstName | default: "Hi"}}, your cart is saved',
        body: '{{cart.items | default: "Your"}} item(s) ready to check out.',
        cta: { label: 'Check out now', url: 'checkout.html' },
        theme: { background: '#e7f5ff', accent: '#1864ab', radius: '10px' },
      } },
    ],
  },
  {
    name: 'Welcome',
    slot: 'hero',
    priority: 0,
    status: 'active',
    holdout: 0.1,
    goal,
    audience: { everyone: true },
    variants: [
      { id: 'greeting', name: 'Greeting', content: {
        headline: 'Welcome, {{traits.firstName | default: "friend"}}',
        body: 'Small goods for people who like to know their customers.',
        cta: { label: 'See the mug', url: 'product-mug.html' },
      } },
      { id: 'shipping', name: 'Free shipping', content: {
        headline: 'Free shipping over €40',
        body: 'Mugs, tees, caps and totes, shipped this week.',
        cta: { label: 'Shop all products', url: '#catalog' },
        theme: { background: '#ebfbee', accent: '#2b8a3e', radius: '10px' },
      } },
    ],
  },
];

async function api(path, init = {}) {
  const res = await fetch(`${args.host}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${args.secretKey}`, 'content-type': 'application/json' },
  });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

try {
  const { data: items } = await api('/v1/campaigns');
  const existing = new Set(items.map((c) => c.name));
  for (const campaign of DEMO_CAMPAIGNS) {
    if (existing.has(campaign.name)) {
      console.log(`seed-campaigns: "${campaign.name}" already exists`);
      continue;
    }
    const created = await api('/v1/campaigns', { method: 'POST', body: JSON.stringify(campaign) });
    console.log(`seed-campaigns: created "${campaign.name}" (${created.id}) on slot ${campaign.slot}`);
  }
} catch (err) {
  console.error(`seed-campaigns: ${err.message}`);
  process.exit(1);
}
