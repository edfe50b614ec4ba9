import type { ErrorResponse } from '@portrait/protocol';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { IngestError } from '../ingest/ingest-error';

/** Builds the protocol's error body. */
export function errorBody(code: string, message: string): ErrorResponse {
  return { success: false, error: { code, message } };
}

/** Throws an HTTP error with a protocol `ErrorResponse` body. */
export function httpError(status: ContentfulStatusCode, code: string, message: string, headers?: Record<string, string>): HTTPException {
  return new HTTPException(status, {
    res: new Response(JSON.stringify(errorBody(code, message)), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    }),
  });
}

/**
 * The one place errors become responses: domain `IngestError`s and `HTTPException`s
 * keep their status and message; anything else is logged and answered 500 without
 * internals.
 */
export function errorHandler(err: Error, c: Context): Response {
  if (err instanceof IngestError) {
    const headers: Record<string, string> = {};
    if (err.retryAfter !== undefined) headers['retry-after'] = String(err.retryAfter);
    return c.json(errorBody(err.code, err.message), err.status as ContentfulStatusCode, headers);
  }
  if (err instanceof HTTPException) {
    const res = err.getResponse();
    if (res.headers.get('content-type')?.includes('application/json')) return res;
    return c.json(errorBody(`http_${err.status}`, err.message || 'Request failed.'), err.status, Object.fromEntries(res.headers));
  }
  console.error('portrait: unhandled error', err);
  return c.json(errorBody('internal_error', 'The collector failed unexpectedly; the request was not processed. Retry later.'), 500);
}

/** 404 for routes that do not exist. */
export function notFound(c: Context): Response {
  return c.json(errorBody('not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`), 404);
}
