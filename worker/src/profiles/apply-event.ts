/**
 * Updates a portrait state with one stored event. Pure and incremental: the state is
 * updated in place and returned (so a Durable Object can keep one object and persist it
 * as JSON). Aggregates do not depend on arrival order: orders, revenue and first/last
 * times are keyed or compared by event time, and a late older event never overwrites a
 * newer trait value. Deduplication by messageId happens upstream, in the profile's store.
 */
import type { PortraitEvent } from '@portrait/protocol';
import { ECOMMERCE_EVENTS as E } from '@portrait/protocol';
import type { ProfileState } from './profile-state';
import { resolveProfileConfig, type ProfileConfig } from './profile-config';
import { eventTime } from './event-time';
import { applyIdentity, applyTraits } from './apply-traits';
import { applyCartEvent, applyOrderCancelled, applyOrderCompleted } from './commerce';
import { applyInterest } from './interests';
import { applyBehavior } from './behavior';
import { countedEventName, countEvent } from './event-counts';
import { applyComputedTraits } from './computed-traits';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);

function productsOf(props: Obj): Obj[] {
  return Array.isArray(props.products) ? (props.products.filter((p) => obj(p)) as Obj[]) : [];
}

function applyCommerce(state: ProfileState, name: string, props: Obj, at: number, messageId: string, config: ProfileConfig): void {
  switch (name) {
    case E.orderCompleted:
      applyOrderCompleted(state, props, at, messageId, config);
      for (const p of productsOf(props)) applyInterest(state, p, 'purchase', at, config);
      return;
    case E.orderCancelled:
      applyOrderCancelled(state, props, at, messageId, 'cancelled', config);
      return;
    case E.orderRefunded:
      applyOrderCancelled(state, props, at, messageId, 'refunded', config);
      return;
    case E.productViewed:
      applyInterest(state, props, 'view', at, config);
      return;
    case E.productClicked:
      applyInterest(state, props, 'click', at, config);
      return;
    case E.productAddedToWishlist:
      applyInterest(state, props, 'wishlist', at, config);
      return;
    case E.productAdded:
    case E.wishlistProductAddedToCart:
      applyInterest(state, props, 'cartAdd', at, config);
      applyCartEvent(state, E.productAdded, props, at, config);
      return;
    case E.productRemoved:
    case E.cartViewed:
    case E.checkoutStarted:
      applyCartEvent(state, name, props, at, config);
      return;
  }
}

/**
 * @param orderAt epoch ms that orders the event, when the collector decided it (receive
 *   time for implausible device clocks); defaults to the event's timestamp.
 * @example
 * const state = createProfileState('user_id:42');
 * applyEvent(state, { type: 'track', event: 'Order Completed', messageId: 'm1', userId: '42',
 *   timestamp: '2026-11-01T10:00:00Z', properties: { order_id: 'A1', revenue: 30 } }, { currency: 'EUR' });
 * renderPortrait(state, { now: Date.now() }).commerce.orders; // 1
 */
export function applyEvent(state: ProfileState, event: PortraitEvent | Obj, config?: Partial<ProfileConfig>, orderAt?: number): ProfileState {
  const cfg = resolveProfileConfig(config);
  const e = event as Obj;
  const at = typeof orderAt === 'number' && Number.isFinite(orderAt) ? orderAt : eventTime(e);
  if (!Number.isFinite(at)) {
    state.skipped++;
    return state;
  }
  applyIdentity(state, e, at);
  const context = obj(e.context);
  if (context && obj(context.traits)) applyTraits(state, context.traits, at, 'context.traits');
  if (e.type === 'identify') applyTraits(state, e.traits, at, 'identify');

  const props = obj(e.properties) ?? {};
  if (e.type === 'track' && typeof e.event === 'string') {
    applyCommerce(state, e.event, props, at, typeof e.messageId === 'string' ? e.messageId : String(at), cfg);
  }
  applyBehavior(state, e, at, cfg);
  const name = countedEventName(e);
  if (name) {
    countEvent(state, name, at, cfg.eventCountRetentionDays);
    if (cfg.computedTraits.length) applyComputedTraits(state, cfg.computedTraits, name, props, at);
  }
  return state;
}
