import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_TYPES, LIMITS, type IngestResponse, type PortraitEvent, type RejectedEvent } from '@portrait/protocol';

/**
 * A local stand-in for the collector that records everything and can be told to fail.
 *
 * - Serves the built browser bundles and the HTML fixtures at stable paths:
 *   `/portrait.js` and `/sdk/<file>` (packages/sdk/dist), `/personalize/<file>`
 *   (packages/personalize/dist), `/fixtures/<path>` (test/e2e/fixtures; HTML gets
 *   `{{name|default}}` placeholders filled from the query string, see `renderTemplate`),
 *   `/` and `/blank.html` (an empty page of this origin), plus pages registered with `setPage()`.
 * - Records every request to `/v1/*` (method, path, headers, raw and parsed body,
 *   receive time, the status it was answered with).
 * - Answers ingest (`POST /v1/b`, `/v1/batch`, `/v1/{t,p,i,g,a,s}`, `/v1/{track,...}`)
 *   like the collector: an `IngestResponse` with `accepted` / `duplicates` / `rejected`
 *   (per-event validation: type, messageId, 32 KB), 400 on bad JSON or an empty batch,
 *   413 past 500 KB; CORS for simple `text/plain` requests and preflights.
 *   It dedupes nothing silently: every attempt is recorded, and an id seen before is
 *   answered as a duplicate, so a test can assert each id was *accepted* exactly once.
 * - `script()` / `failNext()` make the next N POSTs fail: a status (with Retry-After),
 *   a delay, a request that hangs until released (stored or not), or a dropped connection.
 * - `waitFor(predicate)` resolves as soon as the recorded requests satisfy the
 *   predicate (event-driven, no polling sleeps) and times out with a readable summary.
 * - Other `/v1/*` routes can be answered by a test with `handle()`; otherwise 404.
 *
 * @example
 * const server = await startRecordingServer();
 * server.failNext(3, { status: 500 });
 * await page.goto(server.url('/fixtures/sdk/script-tag.html'));
 * await server.waitFor((s) => s.uniqueCount() >= 10);
 * expect(server.duplicateIds()).toEqual([]);
 * await server.close();
 */

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One recorded request to `/v1/*`. */
export interface RecordedRequest {
  /** 1-based order of arrival. */
  seq: number;
  method: string;
  /** Path without query, e.g. `/v1/b`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The body as text (utf-8). */
  rawBody: string;
  /** Body size in bytes. */
  bytes: number;
  /** Parsed JSON body, or `undefined` when it was not JSON. */
  body: unknown;
  /** Events carried by an ingest request (empty for other routes). */
  events: PortraitEvent[];
  /** `Date.now()` when the whole body had arrived. */
  receivedAt: number;
  /** Status answered, `undefined` while hanging, `0` when the connection was dropped. */
  status?: number;
  /** `Date.now()` when the answer was written (or the connection dropped). */
  answeredAt?: number;
  /** The ingest logic ran and stored its valid events (answered 2xx, or `storeThenHang`). */
  stored: boolean;
  /** What the server did with it. */
  outcome: 'answered' | 'hanging' | 'aborted';
  /** For answered ingest: messageIds stored now (first time seen and valid). */
  acceptedIds: string[];
  /** For answered ingest: messageIds seen before (answered as duplicates). */
  duplicateIds: string[];
  /** For answered ingest: events rejected by validation. */
  rejected: RejectedEvent[];
  /** The JSON answered (when any). */
  response?: unknown;
}

/** One scripted answer for the next POST to `/v1/*`. */
export interface ScriptedResponse {
  /** Answer with this status (and `body`, default an `ErrorResponse`) instead of ingesting. */
  status?: number;
  /** `Retry-After` header, seconds (or an HTTP date string). */
  retryAfter?: number | string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (the answer is the scripted status, or a normal ingest). */
  delayMs?: number;
  /** Never answer until `releaseHanging()` or `close()`; the events are NOT stored. */
  hang?: boolean;
  /** Store the events, then never answer (the response is lost, e.g. the tab was killed). */
  storeThenHang?: boolean;
  /** Drop the connection without an answer; the events are NOT stored. */
  abort?: boolean;
  /** Only POSTs to this path consume this entry (default: any `/v1/*` POST). */
  path?: string;
}

/** Selects events, e.g. `named('Clicked')`. */
export type EventFilter = (event: PortraitEvent) => boolean;

/** Track events with one of these names (`named('A', 'B')`). */
export function named(...names: string[]): EventFilter {
  return (e) => e?.type === 'track' && names.includes(e.event);
}

export type RouteHandler = (req: RecordedRequest) => { status: number; body?: unknown; headers?: Record<string, string> } | Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>;

export interface WaitOptions {
  /** Default 20 s. */
  timeout?: number;
  /** Shown when the wait times out. */
  message?: string;
}

export interface RecordingServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** Every request to `/v1/*`, in arrival order (preflights included). */
  readonly requests: readonly RecordedRequest[];
  /** POST requests to an ingest route (every attempt, whatever the answer). */
  ingestRequests(): RecordedRequest[];
  /**
   * Every event of every ingest attempt, in arrival order (retries repeat events).
   * Each event query takes an optional filter, e.g. `named('Clicked')`, to ignore
   * what automatic capture sent alongside.
   */
  sentEvents(filter?: EventFilter): PortraitEvent[];
  /** Events stored (accepted the first time, valid), in arrival order. */
  acceptedEvents(filter?: EventFilter): PortraitEvent[];
  /**
   * messageIds of events in requests the server stored (answered 2xx, or stored and
   * then hung), with repeats: an event delivered twice shows twice.
   */
  messageIds(filter?: EventFilter): string[];
  /** Distinct messageIds delivered (see `messageIds`). */
  uniqueCount(filter?: EventFilter): number;
  /** messageIds delivered in more than one request (see `messageIds`). */
  duplicateIds(filter?: EventFilter): string[];
  /** Every messageId sent, any answer, with repeats. */
  sentIds(filter?: EventFilter): string[];
  /** Queue scripted answers for the next POSTs to `/v1/*`. */
  script(...responses: ScriptedResponse[]): void;
  /** The next `n` POSTs answer like `response` (e.g. `{ status: 500 }`). */
  failNext(n: number, response: ScriptedResponse): void;
  /** Scripted answers not yet consumed. */
  pendingScript(): number;
  /** Answer every hanging request now (normal ingest) — or drop them with `{ abort: true }`. */
  releaseHanging(options?: { abort?: boolean }): void;
  /** Answer a non-ingest route, e.g. `handle('GET', '/v1/decide', ...)`. */
  handle(method: string, path: string, handler: RouteHandler): void;
  /** Serve `html` (or other text) at `path`. */
  setPage(path: string, content: string, contentType?: string): void;
  /** Resolves when `predicate(this)` is true, re-checked on every request event. */
  waitFor(predicate: (server: RecordingServer) => boolean, options?: WaitOptions): Promise<void>;
  /** Resolves when at least `n` distinct messageIds (matching `options.filter`) were delivered. */
  waitForUnique(n: number, options?: WaitOptions & { filter?: EventFilter }): Promise<void>;
  /** Resolves on the next recorded request matching `filter` (that arrives after the call). */
  nextRequest(filter?: (req: RecordedRequest) => boolean, options?: WaitOptions): Promise<RecordedRequest>;
  /** Forget recorded requests, scripts, seen ids and handlers (between tests). */
  reset(): void;
  /** A one-line summary for failure messages. */
  summary(): string;
  close(): Promise<void>;
}

const INGEST_PATHS = new Set([
  '/v1/b', '/v1/batch', '/v1/t', '/v1/p', '/v1/i', '/v1/g', '/v1/a', '/v1/s',
  '/v1/track', '/v1/page', '/v1/identify', '/v1/group', '/v1/alias', '/v1/screen', '/v1/import',
]);
const SINGLE_TYPES: Record<string, PortraitEvent['type']> = {
  '/v1/t': 'track', '/v1/p': 'page', '/v1/i': 'identify', '/v1/g': 'group', '/v1/a': 'alias', '/v1/s': 'screen',
  '/v1/track': 'track', '/v1/page': 'page', '/v1/identify': 'identify', '/v1/group': 'group', '/v1/alias': 'alias', '/v1/screen': 'screen',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where the static prefixes are read from (relative to the repository root). */
export const STATIC_ROOTS: Readonly<Record<string, string>> = {
  '/sdk/': 'packages/sdk/dist',
  '/personalize/': 'packages/personalize/dist',
  '/fixtures/': 'test/e2e/fixtures',
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Fill `{{name}}` / `{{name|default}}` placeholders from `vars` (HTML-escaped).
 * A placeholder with no value and no default becomes the empty string.
 */
export function renderTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w.-]+)\s*(?:\|([^}]*))?\}\}/g, (_m, name: string, def?: string) =>
    escapeHtml(vars[name] ?? def ?? ''));
}

function eventBytes(e: unknown): number {
  return Buffer.byteLength(JSON.stringify(e) ?? '', 'utf8');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Start the recording server on 127.0.0.1 with an OS-assigned port. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  let requests: RecordedRequest[] = [];
  let scripts: ScriptedResponse[] = [];
  let seen = new Set<string>();
  let handlers = new Map<string, RouteHandler>();
  const pages = new Map<string, { content: string; type: string }>();
  let hanging: Array<{ rec: RecordedRequest; res: ServerResponse; answer: () => void }> = [];
  let seq = 0;

  const changed = () => emitter.emit('change');

  function cors(req: IncomingMessage, res: ServerResponse) {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'Cache-Control': 'no-store',
      ...headers,
    });
    res.end(text);
  }

  function errorBody(code: string, message: string) {
    return { success: false, error: { code, message } };
  }

  /** Validate and "store" the events of an ingest request, like the collector. */
  function ingest(rec: RecordedRequest): { status: number; body: unknown } {
    if (rec.bytes > LIMITS.batchBytes) {
      return { status: 413, body: errorBody('payload_too_large', `body is ${rec.bytes} bytes; the limit is ${LIMITS.batchBytes}`) };
    }
    if (rec.body === undefined || rec.body === null || typeof rec.body !== 'object') {
      return { status: 400, body: errorBody('invalid_json', 'the body is not a JSON object') };
    }
    if (rec.path === '/v1/b' || rec.path === '/v1/batch' || rec.path === '/v1/import') {
      const batch = (rec.body as { batch?: unknown }).batch;
      if (!Array.isArray(batch) || batch.length === 0) {
        return { status: 400, body: errorBody('empty_batch', '`batch` must be a non-empty array') };
      }
      if (batch.length > LIMITS.batchEvents) {
        return { status: 400, body: errorBody('too_many_events', `at most ${LIMITS.batchEvents} events per batch`) };
      }
    }
    const out: IngestResponse = { success: true, accepted: 0, duplicates: 0, discarded: 0, rejected: [] };
    rec.events.forEach((e, index) => {
      const ev = e as Partial<PortraitEvent> | null;
      const messageId = ev && typeof ev.messageId === 'string' ? ev.messageId : undefined;
      let reason: RejectedEvent['reason'] | undefined;
      let message = '';
      if (!ev || typeof ev !== 'object' || !EVENT_TYPES.includes(ev.type as PortraitEvent['type'])) {
        reason = 'invalid_event'; message = 'unknown or missing `type`';
      } else if (!messageId || messageId.length > LIMITS.idLength) {
        reason = 'invalid_id'; message = '`messageId` missing or too long';
      } else if (!ev.anonymousId && !ev.userId) {
        reason = 'missing_identity'; message = 'neither `userId` nor `anonymousId`';
      } else if (eventBytes(ev) > LIMITS.eventBytes) {
        reason = 'event_too_large'; message = `event over ${LIMITS.eventBytes} bytes`;
      }
      if (reason) {
        out.rejected.push({ index, messageId, reason, message });
      } else if (seen.has(messageId!)) {
        out.duplicates++;
        rec.duplicateIds.push(messageId!);
      } else {
        seen.add(messageId!);
        out.accepted++;
        rec.acceptedIds.push(messageId!);
      }
    });
    rec.rejected = out.rejected;
    return { status: 200, body: out };
  }

  function takeScript(path: string): ScriptedResponse | undefined {
    const i = scripts.findIndex((s) => !s.path || s.path === path);
    return i < 0 ? undefined : scripts.splice(i, 1)[0];
  }

  async function onApi(req: IncomingMessage, res: ServerResponse, path: string, query: Record<string, string>) {
    cors(req, res);
    const raw = await readBody(req);
    const rawBody = raw.toString('utf8');
    let body: unknown;
    try { body = rawBody ? JSON.parse(rawBody) : undefined; } catch { body = undefined; }
    const isIngest = req.method === 'POST' && INGEST_PATHS.has(path);
    let events: PortraitEvent[] = [];
    if (isIngest && body && typeof body === 'object') {
      const b = body as { batch?: unknown };
      if (Array.isArray(b.batch)) events = b.batch as PortraitEvent[];
      else if (SINGLE_TYPES[path]) events = [{ type: SINGLE_TYPES[path], ...(body as object) } as PortraitEvent];
    }
    const rec: RecordedRequest = {
      seq: ++seq, method: req.method ?? 'GET', path, query, headers: req.headers, rawBody,
      bytes: raw.length, body, events, receivedAt: Date.now(), outcome: 'hanging', stored: false,
      acceptedIds: [], duplicateIds: [], rejected: [],
    };
    requests.push(rec);
    // The client gave up (page closed or reloaded, fetch aborted) before an answer.
    res.on('close', () => {
      if (!res.writableEnded && rec.outcome === 'hanging') {
        rec.outcome = 'aborted';
        rec.status = 0;
        rec.answeredAt = Date.now();
        changed();
      }
    });

    const answer = (status: number, json: unknown, headers?: Record<string, string>) => {
      if (res.writableEnded || res.destroyed) return;
      rec.status = status;
      rec.answeredAt = Date.now();
      rec.outcome = 'answered';
      rec.response = json;
      send(res, status, json, headers);
      changed();
    };

    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'content-type');
      res.setHeader('Access-Control-Max-Age', '600');
      answer(204, undefined);
      return;
    }

    const scripted = req.method === 'POST' ? takeScript(path) : undefined;
    let stored: { status: number; body: unknown } | undefined;
    const respond = async () => {
      if (scripted?.status) {
        const headers: Record<string, string> = { ...scripted.headers };
        if (scripted.retryAfter !== undefined) headers['Retry-After'] = String(scripted.retryAfter);
        answer(scripted.status, scripted.body ?? errorBody('scripted_failure', `scripted ${scripted.status}`), headers);
        return;
      }
      if (isIngest) {
        const out = stored ?? ingest(rec);
        rec.stored = out.status >= 200 && out.status < 300;
        answer(out.status, out.body, scripted?.headers);
        return;
      }
      const handler = handlers.get(`${rec.method} ${path}`);
      if (handler) {
        try {
          const out = await handler(rec);
          answer(out.status, out.body, out.headers);
        } catch (err) {
          answer(500, errorBody('handler_error', String(err)));
        }
        return;
      }
      answer(404, errorBody('not_found', `no route ${rec.method} ${path} on the recording server`));
    };

    if (scripted?.abort) {
      rec.outcome = 'aborted';
      rec.status = 0;
      rec.answeredAt = Date.now();
      req.socket.destroy();
      changed();
      return;
    }
    if (scripted?.storeThenHang && isIngest) {
      stored = ingest(rec);
      rec.stored = stored.status >= 200 && stored.status < 300;
    }
    if (scripted?.hang || scripted?.storeThenHang) {
      hanging.push({ rec, res, answer: () => void respond() });
      changed();
      return;
    }
    changed();
    if (scripted?.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs));
    await respond();
  }

  async function onStatic(req: IncomingMessage, res: ServerResponse, path: string, url: URL) {
    const page = pages.get(path);
    if (page) return send(res, 200, page.content, { 'Content-Type': page.type });
    if (path === '/favicon.ico') return send(res, 204, undefined);
    if (path === '/' || path === '/blank.html') return send(res, 200, '<!doctype html><title>blank</title>', { 'Content-Type': TYPES['.html'] });
    let file: string | undefined;
    if (path === '/portrait.js') file = join(REPO_ROOT, 'packages/sdk/dist/portrait.js');
    for (const [prefix, dir] of Object.entries(STATIC_ROOTS)) {
      if (path.startsWith(prefix)) {
        const base = join(REPO_ROOT, dir);
        const candidate = normalize(join(base, decodeURIComponent(path.slice(prefix.length))));
        if (candidate.startsWith(base + sep)) file = candidate;
      }
    }
    if (!file) return send(res, 404, `not found: ${path}`);
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      return send(res, 404, `not found: ${path} (${file}) — did you run \`npm run build\`?`);
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (type.startsWith('text/html')) {
      const vars: Record<string, string> = { origin: server.origin, host: server.origin };
      url.searchParams.forEach((v, k) => { vars[k] = v; });
      return send(res, 200, renderTemplate(content.toString('utf8'), vars), { 'Content-Type': type });
    }
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(content);
  }

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const work = url.pathname.startsWith('/v1/')
      ? onApi(req, res, url.pathname, query)
      : onStatic(req, res, url.pathname, url);
    work.catch((err) => {
      if (!res.headersSent) send(res, 500, `recording server error: ${String(err)}`);
    });
  });
  // Keep-alive sockets must not keep close() waiting.
  http.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;

  const all: EventFilter = () => true;
  const answeredOk = () => requests.filter((r) => r.events.length > 0 && r.stored);

  const server: RecordingServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    url: (path) => `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    get requests() { return requests; },
    ingestRequests: () => requests.filter((r) => r.method === 'POST' && INGEST_PATHS.has(r.path)),
    sentEvents: (filter = all) => server.ingestRequests().flatMap((r) => r.events.filter(filter)),
    acceptedEvents: (filter = all) => {
      const out: PortraitEvent[] = [];
      for (const r of requests) {
        const ids = new Set(r.acceptedIds);
        for (const e of r.events) if (ids.has(e.messageId) && filter(e)) out.push(e);
      }
      return out;
    },
    messageIds: (filter = all) => answeredOk().flatMap((r) => r.events.filter(filter).map((e) => e?.messageId)),
    uniqueCount: (filter) => new Set(server.messageIds(filter)).size,
    duplicateIds: (filter) => {
      const counts = new Map<string, number>();
      for (const id of server.messageIds(filter)) counts.set(id, (counts.get(id) ?? 0) + 1);
      return [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    },
    sentIds: (filter) => server.sentEvents(filter).map((e) => e?.messageId),
    script: (...responses) => { scripts.push(...responses); },
    failNext: (n, response) => { for (let i = 0; i < n; i++) scripts.push({ ...response }); },
    pendingScript: () => scripts.length,
    releaseHanging: (options = {}) => {
      const list = hanging;
      hanging = [];
      for (const h of list) {
        if (options.abort) {
          h.rec.outcome = 'aborted';
          h.rec.status = 0;
          h.rec.answeredAt = Date.now();
          h.res.destroy();
          changed();
        } else {
          h.answer();
        }
      }
    },
    handle: (method, path, handler) => { handlers.set(`${method.toUpperCase()} ${path}`, handler); },
    setPage: (path, content, contentType = 'text/html; charset=utf-8') => { pages.set(path, { content, type: contentType }); },
    waitFor: (predicate, options = {}) => {
      const timeout = options.timeout ?? 20_000;
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          let ok = false;
          try { ok = predicate(server); } catch (err) { finish(); reject(err); return; }
          if (ok) { finish(); resolve(); }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${options.message ?? 'waitFor: condition not met'} within ${timeout} ms; ${server.summary()}`));
        }, timeout);
        const finish = () => { clearTimeout(timer); emitter.off('change', check); };
        emitter.on('change', check);
        check();
      });
    },
    waitForUnique: (n, options = {}) =>
      server.waitFor((s) => s.uniqueCount(options.filter) >= n, { message: `waiting for ${n} distinct delivered messageIds${options.filter ? ' (filtered)' : ''}`, ...options }),
    nextRequest: (filter = () => true, options = {}) => {
      const from = seq;
      let found: RecordedRequest | undefined;
      return server
        .waitFor(() => (found = requests.find((r) => r.seq > from && filter(r))) !== undefined, { message: 'waiting for a request', ...options })
        .then(() => found!);
    },
    reset: () => {
      requests = [];
      scripts = [];
      seen = new Set();
      handlers = new Map();
      pages.clear();
      server.releaseHanging({ abort: true });
    },
    summary: () => {
      const statuses = requests.map((r) => `${r.method} ${r.path} ${r.status ?? r.outcome}(${r.events.length})`);
      const tail = statuses.length > 12 ? ['…', ...statuses.slice(-12)] : statuses;
      return `${requests.length} requests [${tail.join(', ')}], ${server.uniqueCount()} unique delivered, ${server.duplicateIds().length} duplicated, ${scripts.length} scripted left`;
    },
    close: async () => {
      server.releaseHanging({ abort: true });
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}
