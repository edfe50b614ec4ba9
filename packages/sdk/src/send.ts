import type { IngestResponse } from '@portrait/protocol';

/**
 * Milliseconds before a request without an answer counts as failed: 30 s, plus 1 s per
 * 4 KB of body (a slow uplink, ~32 kbit/s, still gets a large batch through).
 */
export const sendTimeout = (body: string): number => 30_000 + body.length / 4;

/** Outcome of one POST: `status` 0 = network error or timeout, -1 = handed to sendBeacon (no answer). */
export interface SendResult {
  _status: number;
  _retryAfter?: string | null;
  _body?: IngestResponse;
}

/**
 * POSTs `body` as `text/plain` (a string body is a CORS "simple request": no
 * preflight that could outlive an unloading page). `keepalive` lets the request
 * outlive the page (every browser since Firefox 133, Safari 13, Chrome 66; in older ones the
 * request may die with the page and its events stay queued for the next visit); when a
 * keepalive fetch is refused (the page's keepalive quota), `sendBeacon` gets the same body.
 * Never rejects.
 */
export const send = async (url: string, body: string, keepalive?: boolean): Promise<SendResult> => {
  try {
    // A request that hangs (a stalled connection) would hold every later flush of this page:
    // it is abandoned after sendTimeout(body) and retried with backoff. Unload requests get
    // none: aborting them would hand the same body to sendBeacon as well.
    const r = await fetch(url, { method: 'POST', body, keepalive, signal: keepalive ? null : AbortSignal.timeout?.(sendTimeout(body)) });
    return { _status: r.status, _retryAfter: r.headers.get('Retry-After'), _body: await r.json().catch(() => {}) };
  } catch {
    /* network error, or the browser refused the keepalive request (quota) */
  }
  return { _status: keepalive && navigator.sendBeacon(url, body) ? -1 : 0 };
};
