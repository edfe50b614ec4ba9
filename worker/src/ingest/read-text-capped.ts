import { IngestError } from './ingest-error';

const decoder = new TextDecoder('utf-8');

/**
 * A request's body as text, refused with 413 as soon as it is larger than `maxBytes`.
 * With a declared Content-Length: over the cap, nothing is read; within it, the runtime
 * reads and decodes the body in one native step, and HTTP framing makes that length the
 * body's size in bytes (a body with more characters than declared bytes is measured and
 * capped anyway). Without one (chunked): streamed, and stopped as soon as it passes the
 * cap. Never parses anything. `bytes` is the body's size in bytes.
 *
 * @example
 * const { text, bytes } = await readTextCapped(c.req.raw, LIMITS.batchBytes);
 */
export async function readTextCapped(request: Request, maxBytes: number): Promise<{ text: string; bytes: number }> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared)) {
    const size = Number(declared);
    if (size > maxBytes) throw tooLarge(size, maxBytes);
    const text = request.body ? await request.text() : '';
    // A character is at least one byte: more characters than declared bytes means it lied.
    if (text.length <= size) return { text, bytes: size };
    const bytes = new TextEncoder().encode(text).byteLength;
    if (bytes > maxBytes) throw tooLarge(bytes, maxBytes);
    return { text, bytes };
  }
  const raw = request.body ? await readStreamCapped(request.body, maxBytes) : new Uint8Array(0);
  return { text: decoder.decode(raw), bytes: raw.byteLength };
}

/** Reads a stream into memory, cancelling it and refusing with 413 once it passes `maxBytes`. */
async function readStreamCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(total, maxBytes, true);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(bytes: number, maxBytes: number, streamed = false): IngestError {
  const size = streamed ? `more than ${maxBytes} bytes` : `${bytes} bytes`;
  return new IngestError(
    413,
    'body_too_large',
    `Request body is ${size}; the limit is ${maxBytes} bytes (${Math.round(maxBytes / 1024)} KB). Send fewer events per batch.`,
  );
}
