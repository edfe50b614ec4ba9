import type {
  ConsentCategory,
  ConsentContext,
  EventContext,
  JsonObject,
  PortraitEvent,
  RejectedEvent,
} from '@portrait/protocol';

/**
 * Public types of the SDK. This file is the contract between the core and its
 * plugins (capture, web vitals, personalize): plugins import types only from here
 * and never import the core's implementation; the core never imports a plugin.
 */

export type ConsentMode = 'required' | 'optional';

/**
 * Options of `portrait.init()`.
 *
 * @example
 * portrait.init({ writeKey: 'wk_123', host: 'https://collect.example.com', consent: 'required', flushAt: 10 });
 */
export interface InitOptions {
  /** Public write key of the source (`wk_...`). Required. */
  writeKey: string;
  /** Collector origin, e.g. `https://collect.example.com`. Default: the page's origin. */
  host?: string;
  /**
   * `'required'`: default-deny (GDPR): nothing is stored or sent until
   * `consent.grant()` (or a TCF CMP) says so. `'optional'`: opt-out model: tracking
   * runs until `consent.deny()`/`withdraw()`. Default `'optional'`.
   */
  consent?: ConsentMode;
  /** Plugins to install (capture, vitals, personalize...). */
  plugins?: Plugin[];
  /** Events per batch (default 20). */
  flushAt?: number;
  /** Longest wait before a batch is sent, ms (default 2000). */
  flushInterval?: number;
  /** Queue bound by count (default 1000). Past it, the oldest events are evicted. */
  maxQueueEvents?: number;
  /** Queue bound by bytes of JSON (default 1,000,000). */
  maxQueueBytes?: number;
  /** Follow an IAB TCF v2.2 CMP (`__tcfapi`) when one is on the page (default true). */
  tcf?: boolean;
  /** Log warnings (wrong shapes, dropped events) to the console. */
  debug?: boolean;
}

/**
 * Consent controls: `portrait.consent`.
 *
 * @example
 * banner.onAccept(() => portrait.consent.grant(['analytics', 'personalization']));
 * banner.onReject(() => portrait.consent.deny());
 * settings.onForgetMe(() => portrait.consent.withdraw({ erase: true }));
 */
export interface ConsentApi {
  /** Grant categories (all when omitted). Persists the decision and sends held events. */
  grant(categories?: ConsentCategory[]): void;
  /** Deny everything: held events are dropped, nothing is stored or sent. */
  deny(): void;
  /**
   * Withdraw an earlier grant: sending stops at once, the queue and every identifier
   * the SDK stored are purged; `erase: true` also asks the collector to erase the profile.
   */
  withdraw(options?: { erase?: boolean }): void;
  /** Current state. `status` is `'pending'` until the visitor decided (required mode). */
  get(): ConsentState;
}

export interface ConsentState {
  status: 'pending' | 'granted' | 'denied';
  categories: Record<ConsentCategory, boolean>;
  /** Global Privacy Control is on: `marketing` is denied. */
  gpc: boolean;
  source: 'api' | 'tcf' | 'default';
}

/** Per-call options accepted by track/page/identify/group/alias. */
export interface CallOptions {
  /** Merged into the event's context. */
  context?: Partial<EventContext>;
  /** Override the timestamp (Date or ISO string). */
  timestamp?: Date | string;
  /** Override the anonymous id for this event. */
  anonymousId?: string;
}

export interface DeliveredInfo {
  /** messageIds the collector acknowledged (stored, or already stored). */
  messageIds: string[];
}

export interface DeliveryError {
  /** `'rejected'`: the collector refused these events; `'http'`: a non-retryable status; `'storage'`: IndexedDB failed (memory fallback in use); `'evicted'`: queue bound reached. */
  kind: 'rejected' | 'http' | 'storage' | 'evicted';
  message: string;
  status?: number;
  messageIds?: string[];
  rejected?: RejectedEvent[];
}

export interface SdkEvents {
  error: DeliveryError;
  delivered: DeliveredInfo;
  /** Fired after consent changes. */
  consent: ConsentState;
  /** Fired for every event accepted into the pipeline (after enrichment). Plugins use it. */
  event: PortraitEvent;
}

/**
 * What a plugin sees. Everything here is safe to call before consent: the core
 * holds or drops according to the visitor's decision.
 */
export interface Core {
  readonly options: Readonly<InitOptions>;
  track(event: string, properties?: JsonObject, options?: CallOptions): void;
  page(name?: string, properties?: JsonObject, options?: CallOptions): void;
  identify(userId?: string | null, traits?: JsonObject, options?: CallOptions): void;
  /**
   * Add a step that edits each event (e.g. adds `context.campaign` or
   * `context.session`) after the core built it and before it is queued.
   */
  addEnricher(enrich: (event: PortraitEvent) => void): void;
  on<K extends keyof SdkEvents>(name: K, cb: (payload: SdkEvents[K]) => void): () => void;
  consent: ConsentApi;
  /**
   * Small persistent key-value store for plugins (localStorage, namespaced).
   * It writes nothing until analytics consent is granted (reads return undefined
   * before), and is purged on withdraw.
   */
  storage: {
    get(key: string): string | undefined;
    set(key: string, value: string): void;
    remove(key: string): void;
  };
  /** Debug-mode warning (no-op unless `debug: true`). */
  warn(message: string, detail?: unknown): void;
  /**
   * The visitor's current ids (e.g. for a personalization decision request). Always
   * present on the real core; optional only so that plugin test doubles need not provide it.
   */
  user?(): Identity;
}

/**
 * A plugin: `setup` receives the `Core` once the SDK is initialised.
 *
 * @example
 * const stamp: Plugin = { name: 'app-version', setup: (core) => core.addEnricher((e) => void (e.context!.app = { version: '1.2.3' })) };
 * portrait.use(stamp);
 */
export interface Plugin {
  name: string;
  /** Called once, after the core is ready. May return a teardown. Must never throw into the page. */
  setup(core: Core): void | (() => void);
}

export type { ConsentCategory, ConsentContext, JsonObject, PortraitEvent };

/** Who the visitor is, as the SDK will stamp it on the next event. */
export interface Identity {
  anonymousId: string;
  /** Set by `identify(userId)`; null or absent while anonymous. */
  userId?: string | null;
}

/**
 * The SDK instance: `window.portrait` from the script tag, or `portrait` /
 * `createPortrait()` from `@portrait/sdk`. Every method is safe to call before
 * `init()` (calls are kept, in order, and replayed by `init`) and never throws
 * into the page; only `init()` throws, on a missing `writeKey`.
 *
 * @example
 * portrait.init({ writeKey: 'wk_123', consent: 'required' });
 * portrait.identify('user_42', { email: 'ada@example.com' });
 * portrait.track('Order Completed', { order_id: 'o1', total: 42, currency: 'EUR' });
 * const off = portrait.on('error', (e) => console.warn(e.kind, e.message));
 * await portrait.flush();
 */
export interface Portrait {
  /** Start the SDK. Calls made earlier are replayed in order. */
  init(options: InitOptions): Portrait;
  /** Record an action: `track('Signed Up', { plan: 'pro' })`. */
  track(event: string, properties?: JsonObject, options?: CallOptions): void;
  /** Record a page view; properties default to the page's path, referrer, search, title and url. */
  page(name?: string, properties?: JsonObject, options?: CallOptions): void;
  /** Tie this visitor to a user id (persisted after consent) and/or record traits. */
  identify(userId?: string | null, traits?: JsonObject, options?: CallOptions): void;
  /** Link `previousId` (default: the current user or anonymous id) to `userId`. */
  alias(userId: string, previousId?: string, options?: CallOptions): void;
  /** Put the visitor in a group (account, company). */
  group(groupId: string, traits?: JsonObject, options?: CallOptions): void;
  /** Forget the user id and start a new anonymous id (on logout). Queued events still go out. */
  reset(): void;
  /** Send what is queued now. Resolves when the queue is drained or cannot progress (offline, no consent, backing off). Never rejects. */
  flush(): Promise<void>;
  /** Subscribe to `'error' | 'delivered' | 'consent' | 'event'`; returns the unsubscribe function. */
  on<K extends keyof SdkEvents>(name: K, cb: (payload: SdkEvents[K]) => void): () => void;
  /** Install a plugin (before or after `init`). */
  use(plugin: Plugin): void;
  /** The visitor's current ids. */
  user(): Identity;
  consent: ConsentApi;
}
