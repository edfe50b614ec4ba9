import type { IngestResponse } from '@portrait/protocol';

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
      const r = await fetch(url, { method: 'POST', body, keepalive });
      return { _status: r.status, _retryAfter: r.headers.get('Retry-After'), _body: await r.json().catch(() => {}) };
    }
  } catch {
    /* network error, or the browser refused the keepalive request (quota) */
  }
  return { _status: keepalive && navigator.sendBeacon(url, body) ? -1 : 0 };
};
