import { IngestError } from './ingest-error';

/**
 * Reads a request body into memory, refusing it with 413 as soon as it is larger than
 * `maxBytes`: first from a declared Content-Length (nothing is read), then while
 * streaming (chunked bodies, or a Content-Length that lies). Never parses anything.
 *
 * @example
 * const bytes = await readBodyCapped(request.body, request.headers.get('content-length'), LIMITS.batchBytes);
 */
export async function readBodyCapped(
  body: ReadableStream<Uint8Array> | null,
  contentLength: string | null,
  maxBytes: number,
): Promise<Uint8Array> {
  let declared = NaN;
  if (contentLength !== null && contentLength !== '') {
    declared = Number(contentLength);
    if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(declared, maxBytes);
  }
  if (!body) return new Uint8Array(0);
  if (Number.isFinite(declared)) {
    // HTTP framing bounds the body by its Content-Length: one native read, then re-check.
    const bytes = new Uint8Array(await new Response(body).arrayBuffer());
    if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength, maxBytes);
    return bytes;
  }
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

/**
 * A request's body as text, with the same limits as `readBodyCapped`. With a declared
 * Content-Length (within the cap) the runtime decodes it in one native step (no Response
 * wrapper, no separate decode); HTTP framing makes that length the body's size in bytes, and
 * a body with more characters than declared bytes is measured and capped anyway. A chunked
 * body is streamed with the cap, then decoded. `bytes` is the body's size in bytes.
 *
 * @example
 * const { text, bytes } = await readTextCapped(c.req.raw, LIMITS.batchBytes);
 */
export async function readTextCapped(request: Request, maxBytes: number): Promise<{ text: string; bytes: number }> {
  const declared = request.headers.get('content-length');
  if (declared !== null && declared !== '' && /^\d+$/.test(declared)) {
    const size = Number(declared);
    if (size > maxBytes) throw tooLarge(size, maxBytes);
    const text = request.body ? await request.text() : '';
    // A character is at least one byte: more characters than declared bytes means it lied.
    if (text.length <= size) return { text, bytes: size };
    const bytes = new TextEncoder().encode(text).byteLength;
    if (bytes > maxBytes) throw tooLarge(bytes, maxBytes);
    return { text, bytes };
  }
  const raw = await readBodyCapped(request.body, declared, maxBytes);
  return { text: decoder.decode(raw), bytes: raw.byteLength };
}

const decoder = new TextDecoder('utf-8');

function tooLarge(bytes: number, maxBytes: number, streamed = false): IngestError {
  const size = streamed ? `more than ${maxBytes} bytes` : `${bytes} bytes`;
  return new IngestError(
    413,
    'body_too_large',
    `Request body is ${size}; the limit is ${maxBytes} bytes (${Math.round(maxBytes / 1024)} KB). Send fewer events per batch.`,
  );
}
