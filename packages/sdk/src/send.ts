import type { IngestResponse } from '@portrait/protocol';

/** Milliseconds before a request without an answer counts as failed: 400 KB at ~55 kbit/s. */
export const SEND_TIMEOUT = 60_000;

/** Outcome of one POST: `status` 0 = network error or timeout, -1 = handed to sendBeacon (no answer). */
export interface SendResult {
  _status: number;
  _retryAfter?: string | null;
  _body?: IngestResponse;
}

/**
 * POSTs `body` as `text/plain` (a string body is a CORS "simple request": no
 * preflight that could outlive an unloading page). `keepalive` lets the request
 * outlive the page; when a keepalive fetch fails (no keepalive support, quota),
 * `sendBeacon` gets the same body. Never rejects.
 */
export const send = async (url: string, body: string, keepalive?: boolean): Promise<SendResult> => {
  try {
    // Without fetch keepalive (Firefox < 133) the request would die with the page: a beacon does not.
    if (!keepalive || 'keepalive' in Request.prototype) {
      // A request that hangs (a stalled connection) would hold every later flush of this page:
      // it is abandoned after SEND_TIMEOUT and retried with backoff. Unload requests get
      // none: aborting them would hand the same body to sendBeacon as well.
      const r = await fetch(url, { method: 'POST', body, keepalive, signal: keepalive ? null : AbortSignal.timeout?.(SEND_TIMEOUT) });
      return { _status: r.status, _retryAfter: r.headers.get('Retry-After'), _body: await r.json().catch(() => {}) };
    }
  } catch {
    /* network error, or the browser refused the keepalive request (quota) */
  }
  return { _status: keepalive && navigator.sendBeacon(url, body) ? -1 : 0 };
};
