import { CONSENT_CATEGORIES, LIMITS } from '@portrait/protocol';
import type { ConsentCategory, ConsentContext, PortraitEvent, RejectedEvent } from '@portrait/protocol';
import { backoff } from './backoff';
import { consentModeDenied } from './consent-mode';
import { createDurableQueue, type DurableQueue, type QueueEntry, type QueueKey } from './durable-queue';
import { eventContext, pageContext } from './event-context';
import { lease, withFlushLock } from './flush-lock';
import { lsGet, lsPurge, lsSet } from './local-store';
import { send } from './send';
import { type TcfApi, watchTcf } from './tcf';
import type {
  CallOptions,
  ConsentMode,
  ConsentState,
  Core,
  DeliveryError,
  InitOptions,
  Plugin,
  Portrait,
  SdkEvents,
} from './types';
import { uuid } from './uuid';

const ALL = CONSENT_CATEGORIES as ConsentCategory[];
/** Browsers allow 64 KiB of keepalive/beacon bodies in flight per page. */
const KEEPALIVE_QUOTA = 65_536;

type Options = Required<Pick<InitOptions, 'flushAt' | 'flushInterval' | 'maxQueueEvents' | 'maxQueueBytes'>> &
  InitOptions & { host: string };
type Status = ConsentState['status'];
type AnyFn = (...a: any[]) => any;

const size = (s: string) => new Blob([s]).size;
// An invalid `timestamp` option throws here: the call is dropped and warned about (debug).
const iso = (t?: Date | string) => new Date(t ?? Date.now()).toISOString();

/**
 * Creates an SDK instance. Nothing happens (no storage, no listener, no request)
 * until `init()`; calls made before are kept and replayed in order.
 *
 * @example
 * import { createPortrait } from '@portrait/sdk';
 * const analytics = createPortrait().init({ writeKey: 'wk_123', consent: 'required' });
 * analytics.track('Signed Up', { plan: 'pro' });
 * cookieBanner.onAccept(() => analytics.consent.grant());
 */
export const createPortrait = (): Portrait => {
  let o: Options | undefined;
  let Q: DurableQueue;
  let mode: ConsentMode = 'optional';
  let status: Status = 'pending';
  let source: ConsentState['source'] = 'default';
  let gpc = false;
  // Set for every category by decide(), which init() always calls.
  const cats = {} as Record<ConsentCategory, boolean>;
  let aid = '';
  let uid: string | null | undefined;
  let tab = '';
  let started = 0;
  // Bumped by a purge: work started before it (a flush awaiting the network) must not touch anything after.
  let gen = 0;
  let attempt = 0;
  let until = 0;
  let timer: ReturnType<typeof setTimeout> | 0 = 0;
  let busy: Promise<void> | 0 = 0;
  let after: Promise<void> | 0 = 0;
  let keepaliveBytes = 0;
  let seq = 0;
  const fly = new Set<string>();
  const subs: { [K in keyof SdkEvents]?: Set<(p: SdkEvents[K]) => void> } = {};
  const enrichers: ((e: PortraitEvent) => void)[] = [];
  const plugins: Plugin[] = [];
  const pre: (() => void)[] = [];

  const warn = (message: string, detail?: unknown) => {
    if (o?.debug) console.warn(message, detail);
  };
  // Runs page-supplied code (listeners, enrichers, plugins) and our own public methods:
  // whatever throws is warned about (debug) and never reaches the page.
  const guard = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      warn('', e);
    }
  };
  const emit = <K extends keyof SdkEvents>(name: K, payload: SdkEvents[K]) => subs[name]?.forEach((cb) => guard(() => cb(payload)));
  const fail = (kind: DeliveryError['kind'], message: string, more?: Partial<DeliveryError>) => {
    warn(message, more);
    emit('error', { kind, message, ...more });
  };

  // Storage and sending are allowed.
  const ok = () => status == 'granted' && cats.analytics && !consentModeDenied();
  // Events are dropped (not even held): denied, or granted without analytics.
  const dead = () => status == 'denied' || (status == 'granted' && !cats.analytics);
  const state = (): ConsentState => ({ status, categories: { ...cats }, gpc, source });
  const consentContext = (): ConsentContext => ({ mode, ...state() });

  // A pending timer is kept (batches wait for it) unless `first`: a retry replaces it.
  const sched = (ms: number, first?: 1) => {
    if (first || !timer) clearTimeout(timer), (timer = setTimeout(() => ((timer = 0), run()), ms));
  };

  const purge = () => {
    gen++;
    fly.clear();
    started = attempt = until = 0;
    clearTimeout(timer);
    timer = 0;
    Q._purge();
    lsPurge();
    aid = uuid();
    uid = undefined;
  };

  // Consent allows storage: write the events held in memory (now carrying the granted
  // consent), persist the ids (the tab's for its next page), pick up what earlier visits left.
  const start = () => {
    if (started) return;
    started = 1;
    for (const x of Q._mine()) x._e.context!.consent = consentContext();
    Q._open();
    lsSet('aid', aid);
    lsSet('uid', uid!);
    lsSet('tab', tab, 1);
    sched(o!.flushInterval);
  };

  // `granted`: the categories granted ([] = denied), or null while the visitor has not decided.
  const decide = (granted: ConsentCategory[] | null, src: ConsentState['source'], persist?: 1) => {
    status = !granted ? 'pending' : granted.length ? 'granted' : 'denied';
    source = src;
    for (const c of ALL) cats[c] = !!granted?.includes(c) && !(gpc && c == 'marketing');
    if (dead()) purge();
    // A grant is remembered; so is an opt-out in 'optional' mode (else it would not last a reload).
    if (persist) lsSet('consent', granted!.length || mode == 'optional' ? JSON.stringify(granted) : undefined);
    if (ok()) start();
    emit('consent', state());
  };

  const fromRecord = () => {
    try {
      const r = JSON.parse(lsGet('consent')!);
      if (Array.isArray(r)) return decide(r, 'api'), 1;
    } catch {
      /* no or unreadable record: as if none */
    }
  };

  const admit = (e: PortraitEvent, bytes: number) => {
    // Capture order: a strictly increasing time (events of one millisecond keep their order).
    Q._add({ _k: [(seq = Math.max(seq + 1e-3, Date.now())), e.messageId, bytes], _e: e });
    // One check per burst, a microtask after its last synchronous capture.
    after ||= (async () => {
      await 0;
      after = 0;
      const g = gen;
      const out = await Q._trim(o!.maxQueueEvents, o!.maxQueueBytes);
      if (g != gen) return;
      if (out.length) fail('evicted', 'queue full', { messageIds: out.map((k) => k[1]) });
      if (Q._mine().length >= o!.flushAt) run();
      // Also when a flush is running: it may have read the queue before this event was written.
      sched(o!.flushInterval);
    })();
  };

  const capture = (type: PortraitEvent['type'], fields: object, opt: CallOptions = {}) => {
    if (dead()) return;
    const e = {
      userId: uid,
      ...fields,
      type,
      messageId: uuid(),
      anonymousId: opt.anonymousId || aid,
      timestamp: iso(opt.timestamp),
      context: { ...eventContext(), consent: consentContext(), ...opt.context },
    } as PortraitEvent;
    for (const f of enrichers) guard(() => f(e));
    let bytes = 0;
    try {
      bytes = size(JSON.stringify(e));
    } catch {
      /* circular or BigInt: not JSON */
    }
    if (!bytes || bytes > LIMITS.eventBytes) return fail('rejected', bytes ? 'too large' : 'not JSON', { messageIds: [e.messageId] });
    emit('event', e);
    // Before consent the queue stays in memory (bounded like the stored one); it is written on grant.
    if (ok()) start();
    admit(e, bytes);
    // Captured while the page is hidden or unloading (web vitals, a late listener): the
    // unload flush has already run and async work may never finish, so this goes now.
    hidden();
  };

  // Sends one batch; true when it left the queue (acknowledged or dropped), false to stop and retry later.
  const deliver = async (es: QueueEntry[], keepalive?: boolean): Promise<boolean> => {
    const g = gen;
    const sentAt = iso();
    const ks = es.map((x) => x._k);
    const ids = ks.map((k) => k[1]);
    for (const x of es) fly.add(x._k[1]), (x._e.sentAt = sentAt);
    const body = JSON.stringify({ batch: es.map((x) => x._e), sentAt, writeKey: o!.writeKey });
    const n = keepalive ? size(body) : 0;
    keepaliveBytes += n;
    const r = await send(o!.host + '/v1/b', body, keepalive);
    const s = r._status;
    // Handed to sendBeacon: no answer will come; its bytes and ids stay in flight for this
    // page's lifetime (a later visit sends them again if needed; the collector dedupes).
    if (s < 0) return false;
    keepaliveBytes -= n;
    ids.forEach((i) => fly.delete(i));
    if (g != gen) return false;
    // 2xx: done (rejected events included: resending cannot fix them). Other 4xx but 408/429:
    // the request itself is wrong (bad key, bad payload), so resending cannot help either.
    if (s && s != 408 && s != 429 && s < 500) {
      Q._remove(ks);
      if (s > 299) return fail('http', 'rejected ' + s, { status: s, messageIds: ids }), true;
      attempt = until = 0;
      const rej: RejectedEvent[] = r._body?.rejected || [];
      const bad = rej.map((x) => ids[x.index]);
      if (rej.length) fail('rejected', 'rejected', { rejected: rej, messageIds: bad });
      emit('delivered', { messageIds: ids.filter((i) => !bad.includes(i)) });
      return true;
    }
    until = Date.now() + backoff(attempt++, r._retryAfter);
    sched(until - Date.now(), 1);
    return false;
  };

  // Picks the next batch among `ks` (oldest first): not in flight, at most `flushAt` events and `max` bytes of body.
  const pick = (ks: QueueKey[], max: number) => {
    const out: QueueKey[] = [];
    let bytes = 300;
    for (const k of ks) if (out.length < o!.flushAt && !fly.has(k[1]) && bytes + k[2] + 40 < max) out.push(k), (bytes += k[2] + 40);
    return out;
  };

  // One flush: under the flush lock, sends batches (oldest first) until the queue is empty or a send fails.
  const drain = async () => {
    const g = gen;
    while (ok() && g == gen && navigator.onLine) {
      const wait = until - Date.now();
      if (wait > 0) return sched(wait);
      // Reading the queue forgets our events another tab delivered (not to resend them at
      // unload), also when that tab is still sending: we retry every flushInterval meanwhile.
      await Q._keys();
      // Another tab is sending: leave the queue to it for now. The IndexedDB lease (atomic, 10 s
      // from each batch: a page that went away holds nobody up for long) decides between
      // flushes; the localStorage hint (60 s, a slow request included) is what closing tabs read.
      if ((await Q._leased(tab, 10_000)) || !lease(tab, 60_000)) return sched(o!.flushInterval);
      // Read again under the lease: the previous holder's deletions are committed now.
      const ks = pick(await Q._keys(), 400_000);
      const es = ks.length ? await Q._get(ks) : [];
      if (!es.length || g != gen || !(await deliver(es))) return;
    }
  };

  const run = (): Promise<void> =>
    !o || !ok()
      ? Promise.resolve()
      : (busy ||= withFlushLock('portrait-' + o.writeKey, drain, () => {
          // Drop both leases (expired at once); other tabs take over at their next try.
          Q._leased(tab, 0);
          lease(tab, 0);
        })
          .catch((e) => warn('flush', e))
          .finally(() => (busy = 0)));

  // The page is being hidden or unloaded: async work may never finish, so send this tab's
  // events now with keepalive, never more than the 64 KiB the browser allows in flight;
  // the rest stays in IndexedDB for the next visit. While another tab holds the lease, what
  // is stored is left to it, but events not yet committed go now: no one else can see them,
  // and a closing page may never finish writing them.
  const bye = () => {
    if (!ok() || !navigator.onLine || until > Date.now() || !Q._mine().length) return;
    const all = lease(tab, 10_000);
    const es = Q._mine().filter((x) => all || !x._w);
    // deliver() marks its events in flight and counts its bytes synchronously, so each pick sees the previous.
    for (let ks; (ks = pick(es.map((x) => x._k), KEEPALIVE_QUOTA - keepaliveBytes)).length; )
      deliver(es.filter((x) => ks.includes(x._k)), true);
  };

  const hidden = () => document.visibilityState == 'hidden' && bye();

  // Public methods: before init, calls are kept and replayed; after, errors are caught.
  const safe = <F extends AnyFn>(fn: F): F =>
    function call(...a: unknown[]) {
      if (!o) return void pre.push(() => call(...a));
      guard(() => fn(...a));
    } as F;

  const setup = (p: Plugin) => {
    guard(() => p.setup(api));
  };

  const api: Portrait & Core = {
    options: {} as Options,
    init(opts) {
      if (o) return api; // a second init() (e.g. stub and data attributes both) is ignored
      // A programmer error: the only throw of the SDK.
      if (!opts?.writeKey) throw Error('portrait: writeKey required');
      o = (api as { options: Options }).options = {
        flushAt: 20,
        flushInterval: 2000,
        maxQueueEvents: 1000,
        maxQueueBytes: 1_000_000,
        ...opts,
        host: (opts.host || location.origin).replace(/\/+$/, ''),
      };
      // Anything but 'optional' (a typo included) means the privacy-safe 'required'.
      mode = o.consent && o.consent != 'optional' ? 'required' : 'optional';
      gpc = !!(navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
      // The leases are held per browser tab, not per page: the next page of this tab is not
      // held back by the lease its previous page took at unload. The id is read here and
      // written (sessionStorage, this tab's own) by start(), so only with consent; a purge
      // removes it. A tab duplicated from this one copies it: the two may then send the
      // same events, which the collector stores once.
      tab = lsGet('tab', 1) || uuid();
      aid = lsGet('aid') || uuid();
      uid = lsGet('uid');
      Q = createDurableQueue('portrait-' + o.writeKey, fail);
      // With a TCF CMP on the page, wait for its answer even in 'optional' mode.
      const tcf = o.tcf != false && typeof (window as { __tcfapi?: TcfApi }).__tcfapi == 'function';
      fromRecord() || decide(mode == 'required' || tcf ? null : ALL, 'default');
      if (tcf) watchTcf((window as { __tcfapi?: TcfApi }).__tcfapi!, decide);
      addEventListener('online', run);
      addEventListener('pagehide', bye);
      document.addEventListener('visibilitychange', hidden);
      // Plugins first, so their enrichers (session, campaign) see the replayed calls too.
      (o.plugins || []).concat(plugins).forEach(setup);
      for (const f of pre.splice(0)) f();
      return api;
    },
    track: safe((event: string, properties, opt) => capture('track', { event, properties }, opt)),
    page: safe((name, properties, opt) => capture('page', { name, properties: { ...pageContext(), ...properties } }, opt)),
    identify: safe((userId, traits, opt) => {
      if (dead()) return;
      if (typeof userId == 'string' && userId) {
        uid = userId;
        if (ok()) lsSet('uid', uid);
      }
      capture('identify', { traits }, opt);
    }),
    alias: safe((userId: string, previousId, opt) => capture('alias', { userId, previousId: previousId || uid || aid }, opt)),
    group: safe((groupId: string, traits, opt) => capture('group', { groupId, traits }, opt)),
    reset: safe(() => {
      uid = undefined;
      aid = uuid();
      lsSet('uid');
      if (ok()) lsSet('aid', aid);
    }),
    flush() {
      if (ok()) start();
      return busy ? busy.then(run) : run();
    },
    on(name, cb) {
      const set = ((subs as Record<string, Set<typeof cb>>)[name] ||= new Set());
      set.add(cb);
      return () => void set.delete(cb);
    },
    use(p) {
      o ? setup(p) : plugins.push(p);
    },
    user: () => ({ anonymousId: aid, userId: uid }),
    addEnricher: (f) => void enrichers.push(f),
    storage: {
      get: (k) => (ok() && lsGet('p.' + k)) || undefined,
      set: (k, v) => ok() && lsSet('p.' + k, v),
      remove: (k) => lsSet('p.' + k),
    },
    warn,
    consent: {
      grant: safe((list?: ConsentCategory[]) => decide(list || ALL, 'api', 1)),
      deny: safe(() => decide([], 'api', 1)),
      withdraw: safe((opt?: { erase?: boolean }) => {
        if (opt?.erase && status == 'granted') {
          const body = JSON.stringify({ writeKey: o!.writeKey, anonymousId: aid, userId: uid, messageId: uuid() });
          send(o!.host + '/v1/erase', body, true);
        }
        decide([], 'api', 1);
      }),
      get: state,
    },
  };
  return api;
};
