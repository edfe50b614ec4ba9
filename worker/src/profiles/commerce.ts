/**
 * Commerce: an order ledger keyed by order_id plus cancellations/refunds keyed the same
 * way, so totals never depend on arrival order (a cancellation that arrives before its
 * order still nets it out). Money is kept in integer minor units.
 *
 * Definitions (also used by the tests against the retail data):
 * - an order is one `Order Completed` per order_id (repeats of the same id update it;
 *   the latest by event time wins);
 * - its amount is `revenue` ?? `total` ?? sum(price x quantity) of its products;
 * - `Order Cancelled` / `Order Refunded` for a known order without an amount, or with an
 *   amount >= the order's, removes the order (count and amount); a smaller amount is a
 *   partial refund subtracted from revenue; one for an unknown order_id (bought before
 *   tracking, or a retailer's separate credit note) subtracts its amount from revenue
 *   and leaves the order count alone. Amounts of cancellations are taken as absolute values.
 */
import type { ProfileState, OrderEntry, CartItem } from './profile-state';
import type { ProfileConfig } from './profile-config';

const MAX_ORDERS = 5000;
const MAX_CART_ITEMS = 200;

export const toMinor = (amount: number): number => Math.round(amount * 100);
export const fromMinor = (minor: number): number => Math.round(minor) / 100;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

type Props = Record<string, unknown>;

function products(props: Props): Props[] {
  return Array.isArray(props.products) ? (props.products.filter((p) => p && typeof p === 'object') as Props[]) : [];
}

/** `revenue` ?? `total` ?? sum(price x quantity), in major units; null when none is given. */
export function orderAmount(props: Props): number | null {
  const direct = num(props.revenue) ?? num(props.total) ?? num(props.value);
  if (direct !== null) return direct;
  const list = products(props);
  if (list.length === 0) return null;
  let sum = 0;
  for (const p of list) sum += (num(p.price) ?? 0) * (num(p.quantity) ?? 1);
  return sum;
}

/** The event's currency, else the tenant's base; '' when neither is known (then it counts in the base currency). */
function currencyOf(props: Props, config: ProfileConfig): string {
  return typeof props.currency === 'string' && /^[A-Za-z]{3}$/.test(props.currency) ? props.currency.toUpperCase() : config.currency ?? '';
}

/** Currency used by most orders (ties: alphabetical); null without any known currency. */
function dominantCurrency(state: ProfileState): string | null {
  const n = new Map<string, number>();
  for (const o of Object.values(state.commerce.orders)) if (o.currency) n.set(o.currency, (n.get(o.currency) ?? 0) + 1);
  for (const [c, minor] of Object.entries(state.commerce.archived.byCurrency)) if (c && minor) n.set(c, (n.get(c) ?? 0) + 1);
  let best: string | null = null;
  for (const [c, k] of n) if (best === null || k > n.get(best)! || (k === n.get(best)! && c < best)) best = c;
  return best;
}

/** Segment's default when nothing says otherwise. */
const FALLBACK_CURRENCY = 'USD';

function uniq(values: unknown[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].slice(0, 20);
}

export function applyOrderCompleted(state: ProfileState, props: Props, at: number, messageId: string, config: ProfileConfig): void {
  const orderId = str(props.order_id) ?? str(props.orderId) ?? `message:${messageId}`;
  const orders = state.commerce.orders;
  const prev = Object.hasOwn(orders, orderId) ? orders[orderId] : undefined;
  if (prev && prev.at > at) return;
  const list = products(props);
  const entry: OrderEntry = {
    at,
    amount: toMinor(orderAmount(props) ?? 0),
    currency: currencyOf(props, config),
    items: list.reduce((n, p) => n + (num(p.quantity) ?? 1), 0),
    categories: uniq(list.map((p) => p.category)),
    brands: uniq(list.map((p) => p.brand)),
  };
  if (!prev && Object.keys(orders).length >= MAX_ORDERS) foldOldestOrder(state);
  orders[orderId] = entry;
  // A completed order empties the cart it came from.
  const cart = state.commerce.cart;
  if (at >= cart.clearedAt) {
    cart.clearedAt = at;
    if (cart.updatedAt <= at) cart.items = {};
  }
}

/** Keeps the ledger bounded: the oldest order leaves the ledger, its count and money stay in `archived`. */
function foldOldestOrder(state: ProfileState): void {
  const { orders, cancellations, archived } = state.commerce;
  let oldest: string | null = null;
  for (const [id, o] of Object.entries(orders)) if (oldest === null || o.at < orders[oldest].at) oldest = id;
  if (oldest === null) return;
  const o = orders[oldest];
  delete orders[oldest];
  const c = Object.hasOwn(cancellations, oldest) ? cancellations[oldest] : undefined;
  if (c) {
    delete cancellations[oldest];
    if (c.amount === null || c.amount >= Math.abs(o.amount)) return;
    o.amount -= c.amount;
  }
  archived.orders++;
  archived.byCurrency[o.currency] = (archived.byCurrency[o.currency] ?? 0) + o.amount;
  archived.firstAt = archived.firstAt === null ? o.at : Math.min(archived.firstAt, o.at);
  archived.lastAt = archived.lastAt === null ? o.at : Math.max(archived.lastAt, o.at);
}

export function applyOrderCancelled(state: ProfileState, props: Props, at: number, messageId: string, kind: 'cancelled' | 'refunded', config: ProfileConfig): void {
  const orderId = str(props.order_id) ?? str(props.orderId) ?? `message:${messageId}`;
  const amount = num(props.revenue) ?? num(props.total) ?? num(props.value) ?? (products(props).length ? orderAmount(props) : null);
  const cancellations = state.commerce.cancellations;
  const prev = Object.hasOwn(cancellations, orderId) ? cancellations[orderId] : undefined;
  const minor = amount === null ? null : Math.abs(toMinor(amount));
  if (prev) {
    // Several refunds of one order add up; a full cancellation stays full.
    if (prev.amount === null || minor === null) prev.amount = null;
    else prev.amount += minor;
    prev.at = Math.max(prev.at, at);
    if (kind === 'cancelled') prev.kind = 'cancelled';
    return;
  }
  if (Object.keys(cancellations).length >= MAX_ORDERS) return;
  cancellations[orderId] = { at, amount: minor, currency: amount === null ? null : currencyOf(props, config), kind };
}

function cartKey(p: Props): string | null {
  return str(p.product_id) ?? str(p.productId) ?? str(p.sku) ?? str(p.name);
}

function toCartItem(p: Props, key: string, quantity: number): CartItem {
  const item: CartItem = { product_id: key, price: num(p.price) ?? 0, quantity };
  if (typeof p.name === 'string') item.name = p.name;
  if (typeof p.category === 'string') item.category = p.category;
  if (typeof p.brand === 'string') item.brand = p.brand;
  return item;
}

/** Product Added / Removed adjust the cart; Cart Viewed / Checkout Started with products replace it. Events older than the last completed order are ignored. */
export function applyCartEvent(state: ProfileState, name: string, props: Props, at: number, config: ProfileConfig): void {
  const cart = state.commerce.cart;
  if (at < cart.clearedAt) return;
  if (name === 'Cart Viewed' || name === 'Checkout Started') {
    const list = products(props);
    if (list.length === 0 || at < cart.updatedAt) return;
    cart.items = {};
    for (const p of list.slice(0, MAX_CART_ITEMS)) {
      const key = cartKey(p);
      if (key) cart.items[key] = toCartItem(p, key, Math.max(1, num(p.quantity) ?? 1));
    }
  } else {
    const p = products(props)[0] ?? props;
    const key = cartKey(p);
    if (!key) return;
    const qty = Math.max(1, num(p.quantity) ?? 1);
    const existing = Object.hasOwn(cart.items, key) ? cart.items[key] : undefined;
    if (name === 'Product Removed') {
      if (!existing) return;
      existing.quantity -= qty;
      if (existing.quantity <= 0) delete cart.items[key];
    } else if (existing) {
      existing.quantity += qty;
      if (num(p.price) !== null) existing.price = num(p.price)!;
    } else if (Object.keys(cart.items).length < MAX_CART_ITEMS) {
      cart.items[key] = toCartItem(p, key, qty);
    }
  }
  if (typeof props.cart_id === 'string') cart.cartId = props.cart_id;
  cart.currency = typeof props.currency === 'string' ? currencyOf(props, config) : cart.currency;
  cart.updatedAt = Math.max(cart.updatedAt, at);
}

export interface CommerceSummary {
  orders: number;
  revenue: number;
  aov: number | null;
  currency: string;
  revenueByCurrency: Record<string, number>;
  unconvertedCurrencies: string[];
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  /** Orders per 30 days between the first order and `now` (null before a second order). */
  purchaseFrequency: number | null;
  /** Mean days between consecutive orders. */
  daysBetweenOrders: number | null;
  cancelledOrders: number;
  refunds: number;
  refundedAmount: number;
  favouriteCategories: Array<{ name: string; orders: number }>;
  favouriteBrands: Array<{ name: string; orders: number }>;
  cart: {
    items: CartItem[];
    count: number;
    value: number;
    currency: string;
    updatedAt: string | null;
    abandoned: boolean;
  };
}

function convert(minor: number, currency: string, base: string, config: ProfileConfig): number | null {
  if (currency === base || currency === '') return minor;
  const rate = config.exchangeRates[currency];
  return typeof rate === 'number' && Number.isFinite(rate) && rate > 0 ? Math.round(minor * rate) : null;
}

function top(counts: Map<string, number>, n: number) {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n).map(([name, orders]) => ({ name, orders }));
}

export function summarizeCommerce(state: ProfileState, config: ProfileConfig, now: number): CommerceSummary {
  const { orders, cancellations, cart } = state.commerce;
  let count = 0;
  let revenue = 0;
  let refunded = 0;
  let cancelledOrders = 0;
  let refunds = 0;
  let first = Infinity;
  let last = -Infinity;
  const byCurrency: Record<string, number> = {};
  const unconverted = new Set<string>();
  const times: number[] = [];
  const cats = new Map<string, number>();
  const brands = new Map<string, number>();
  const baseCurrency = config.currency ?? dominantCurrency(state) ?? FALLBACK_CURRENCY;
  const add = (minor: number, currency: string) => {
    const key = currency || baseCurrency;
    byCurrency[key] = (byCurrency[key] ?? 0) + minor;
    const base = convert(minor, currency, baseCurrency, config);
    if (base === null) unconverted.add(currency);
    else revenue += base;
  };
  for (const [id, order] of Object.entries(orders)) {
    const c = Object.hasOwn(cancellations, id) ? cancellations[id] : undefined;
    if (c && (c.amount === null || c.amount >= Math.abs(order.amount))) {
      cancelledOrders++;
      continue;
    }
    count++;
    add(order.amount, order.currency);
    if (c) {
      refunds++;
      refunded += c.amount!;
      add(-c.amount!, order.currency);
    }
    times.push(order.at);
    if (order.at < first) first = order.at;
    if (order.at > last) last = order.at;
    for (const x of order.categories) cats.set(x, (cats.get(x) ?? 0) + 1);
    for (const x of order.brands) brands.set(x, (brands.get(x) ?? 0) + 1);
  }
  const archived = state.commerce.archived;
  if (archived.orders > 0) {
    count += archived.orders;
    for (const [currency, minor] of Object.entries(archived.byCurrency)) add(minor, currency);
    first = Math.min(first, archived.firstAt!);
    last = Math.max(last, archived.lastAt!);
  }
  for (const [id, c] of Object.entries(cancellations)) {
    if (Object.hasOwn(orders, id) || c.amount === null) continue;
    refunds++;
    refunded += c.amount;
    add(-c.amount, c.currency ?? '');
  }
  times.sort((a, b) => a - b);
  const span = times.length > 1 ? (times[times.length - 1] - times[0]) / 86_400_000 : null;
  const items = Object.values(cart.items);
  const cartValue = items.reduce((s, i) => s + toMinor(i.price * i.quantity), 0);
  const idleMs = now - cart.updatedAt;
  return {
    orders: count,
    revenue: fromMinor(revenue),
    aov: count > 0 ? fromMinor(revenue / count) : null,
    currency: baseCurrency,
    revenueByCurrency: Object.fromEntries(Object.entries(byCurrency).map(([k, v]) => [k, fromMinor(v)])),
    unconvertedCurrencies: [...unconverted].sort(),
    firstOrderAt: count ? new Date(first).toISOString() : null,
    lastOrderAt: count ? new Date(last).toISOString() : null,
    purchaseFrequency: count > 1 ? Math.round((count / Math.max(1, (now - first) / 86_400_000)) * 30 * 1000) / 1000 : null,
    daysBetweenOrders: span !== null ? Math.round((span / (times.length - 1)) * 10) / 10 : null,
    cancelledOrders,
    refunds,
    refundedAmount: fromMinor(refunded),
    favouriteCategories: top(cats, 5),
    favouriteBrands: top(brands, 5),
    cart: {
      items,
      count: items.reduce((n, i) => n + i.quantity, 0),
      value: fromMinor(cartValue),
      currency: cart.currency || baseCurrency,
      updatedAt: cart.updatedAt ? new Date(cart.updatedAt).toISOString() : null,
      abandoned: items.length > 0 && idleMs >= config.cartAbandonAfterMinutes * 60_000,
    },
  };
}
