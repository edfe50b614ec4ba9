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
 * outlive the page; browsers without keepalive support (Firefox < 133) get
 * `sendBeacon` instead. Never rejects.
 */
export const send = async (url: string, body: string, keepalive?: boolean): Promise<SendResult> => {
  try {
    if (keepalive && !('keepalive' in Request.prototype) && navigator.sendBeacon(url, body)) return { _status: -1 };
    const r = await fetch(url, {
      method: 'POST',
      body,
      keepalive,
      // A hung request holds the flush lock for every tab: give up after 30 s (and retry).
      signal: AbortSignal.timeout?.(30_000),
    });
    return { _status: r.status, _retryAfter: r.headers.get('Retry-After'), _body: await r.json().catch(() => {}) };
  } catch {
    return { _status: 0 };
  }
};
