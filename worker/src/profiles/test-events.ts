/** Small builders of Segment events for the domain tests. */
import type { PortraitEvent } from '@portrait/protocol';

let n = 0;

export function track(event: string, properties: Record<string, unknown>, timestamp: string, extra: Record<string, unknown> = {}): PortraitEvent {
  return { type: 'track', event, properties, timestamp, messageId: `t-${++n}`, userId: 'u1', ...extra } as PortraitEvent;
}

export function page(path: string, timestamp: string, context: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): PortraitEvent {
  return {
    type: 'page', messageId: `p-${++n}`, anonymousId: 'a1', timestamp,
    context: { page: { path, url: `https://shop.example${path}`, title: path }, ...context }, properties: {}, ...extra,
  } as PortraitEvent;
}

export function identify(traits: Record<string, unknown>, timestamp: string, extra: Record<string, unknown> = {}): PortraitEvent {
  return { type: 'identify', traits, timestamp, messageId: `i-${++n}`, userId: 'u1', ...extra } as PortraitEvent;
}
