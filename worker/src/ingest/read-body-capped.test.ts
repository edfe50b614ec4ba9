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

describe('readBodyCapped with a request', () => {
  const post = (body: string) => new Request('http://127.0.0.1/v1/batch', { method: 'POST', body });

  it('reads a request whose Content-Length is within the cap', async () => {
    const out = await readBodyCapped(post('{"batch":[]}'), '12', 100);
    expect(new TextDecoder().decode(out)).toBe('{"batch":[]}');
  });

  it('refuses a request whose body is larger than the cap its Content-Length claimed to respect', async () => {
    await expect(readBodyCapped(post('x'.repeat(200)), '10', 100)).rejects.toMatchObject({ status: 413, code: 'body_too_large' });
  });

  it('refuses a declared Content-Length over the cap without reading the request', async () => {
    const req = post('x'.repeat(200));
    await expect(readBodyCapped(req, '200', 100)).rejects.toMatchObject({ status: 413 });
    expect(req.bodyUsed).toBe(false);
  });

  it('stops a chunked request body (no Content-Length) as soon as it passes the cap', async () => {
    const pulled = { n: 0 };
    const req = new Request('http://127.0.0.1/v1/batch', { method: 'POST', body: stream(1000, 10, pulled), duplex: 'half' } as RequestInit);
    await expect(readBodyCapped(req, null, 100)).rejects.toMatchObject({ status: 413 });
    expect(pulled.n).toBeLessThan(15);
  });
});
