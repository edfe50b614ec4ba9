/**
 * A request-level ingest failure (the whole request is refused). Pure domain: the route
 * layer turns it into an HTTP response with the protocol `ErrorResponse` body.
 */
export class IngestError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds the client should wait before retrying (429, 503). */
  readonly retryAfter?: number;

  constructor(status: number, code: string, message: string, retryAfter?: number) {
    super(message);
    this.name = 'IngestError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}
