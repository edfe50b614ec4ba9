import type { PortraitEvent } from '@portrait/protocol';
import type { CallOptions, ConsentState, Core, JsonObject, SdkEvents } from '../types';

export interface FakeCore extends Core {
  /** Events as the core would queue them (after enrichers). */
  events: PortraitEvent[];
  warnings: string[];
  /** Simulate the visitor's consent decision (storage writes start after a grant). */
  setConsent(granted: boolean): void;
  /** What the consent-gated storage holds. */
  stored: Map<string, string>;
}

/**
 * A small stand-in for the SDK core, for unit tests of plugins: builds envelopes
 * like the core (page context read from the document at call time), runs enrichers,
 * gates storage on consent, and records events and warnings.
 */
export const fakeCore = (opts: { granted?: boolean; debug?: boolean } = {}): FakeCore => {
  const enrichers: ((e: PortraitEvent) => void)[] = [];
  const listeners: Record<string, ((p: unknown) => void)[]> = {};
  let granted = opts.granted ?? true;
  let n = 0;
  const stored = new Map<string, string>();
  const state = (): ConsentState => ({
    status: granted ? 'granted' : 'pending',
    categories: { analytics: granted, personalization: granted, marketing: granted },
    gpc: false,
    source: 'api',
  });
  const emit = (e: PortraitEvent, o?: CallOptions) => {
    const l = location;
    e.messageId = 'm' + ++n;
    e.anonymousId = 'a1';
    e.context = {
      page: { path: l.pathname, referrer: document.referrer, search: l.search, title: document.title, url: l.href },
      ...o?.context,
    };
    enrichers.forEach((f) => f(e));
    core.events.push(e);
    (listeners.event || []).forEach((f) => f(e));
  };
  const core: FakeCore = {
    options: { writeKey: 'wk_test', debug: opts.debug },
    events: [],
    warnings: [],
    stored,
    track: (event: string, properties?: JsonObject, o?: CallOptions) =>
      emit({ type: 'track', event, properties: JSON.parse(JSON.stringify(properties || {})) } as PortraitEvent, o),
    page: (name?: string, properties?: JsonObject, o?: CallOptions) =>
      emit({ type: 'page', name, properties: JSON.parse(JSON.stringify(properties || {})) } as PortraitEvent, o),
    identify: (userId?: string | null, traits?: JsonObject, o?: CallOptions) =>
      emit({ type: 'identify', userId, traits } as PortraitEvent, o),
    addEnricher: (f) => void enrichers.push(f),
    on: <K extends keyof SdkEvents>(name: K, cb: (p: SdkEvents[K]) => void) => {
      (listeners[name] ||= []).push(cb as (p: unknown) => void);
      return () => void listeners[name].splice(listeners[name].indexOf(cb as (p: unknown) => void), 1);
    },
    consent: {
      grant: () => core.setConsent(true),
      deny: () => core.setConsent(false),
      withdraw: () => {
        stored.clear();
        core.setConsent(false);
      },
      get: state,
    },
    storage: {
      get: (k) => (granted ? stored.get(k) : undefined),
      set: (k, v) => void (granted && stored.set(k, v)),
      remove: (k) => void stored.delete(k),
    },
    warn: (m) => void core.warnings.push(m),
    setConsent: (g) => {
      granted = g;
      (listeners.consent || []).forEach((f) => f(state()));
    },
  };
  return core;
};
