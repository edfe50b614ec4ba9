import { describe, expect, it } from 'vitest';
import { IngestError } from './ingest-error';
import { readBodyCapped } from './read-body-capped';

function stream(chunks: number, size: number, pulled: { n: number }) {
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled.n >= chunks) return c.close();
      pulled.n++;
      c.enqueue(new Uint8Array(size));
    },
  });
}

describe('readBodyCapped', () => {
  it('refuses a declared Content-Length over the cap without reading', async () => {
    const body = stream(10, 10, { n: 0 });
    await expect(readBodyCapped(body, '101', 100)).rejects.toMatchObject({ status: 413, code: 'body_too_large' });
    expect(body.locked).toBe(false);
  });

  it('stops a chunked body as soon as it passes the cap', async () => {
    const pulled = { n: 0 };
    const err = await readBodyCapped(stream(1000, 10, pulled), null, 100).catch((e) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect(pulled.n).toBeLessThan(15);
  });

  it('returns the bytes of a body within the cap', async () => {
    const out = await readBodyCapped(stream(3, 10, { n: 0 }), null, 100);
    expect(out.byteLength).toBe(30);
  });
});
