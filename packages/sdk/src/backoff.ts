/** Longest wait before a retry, ms (5 minutes), for backoff and for `Retry-After`. */
export const MAX_RETRY_WAIT = 300_000;

/**
 * Wait before retry number `attempt` (0-based), ms: the collector's `Retry-After`
 * (seconds or an HTTP date) when it sent one, else exponential backoff with full
 * jitter (random in [0, min(cap, 1 s * 2^attempt))), so a fleet of browsers
 * coming back online does not retry in lockstep. Both are capped at 5 minutes.
 */
export const backoff = (attempt: number, retryAfter?: string | null): number => {
  if (retryAfter) {
    const ms = +retryAfter >= 0 ? +retryAfter * 1000 : Date.parse(retryAfter) - Date.now();
    if (ms == ms) return Math.min(Math.max(ms, 0), MAX_RETRY_WAIT);
  }
  return Math.random() * Math.min(MAX_RETRY_WAIT, 1000 * 2 ** attempt);
};
