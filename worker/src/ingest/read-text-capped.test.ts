import { describe, expect, it } from 'vitest';
import { IngestError } from './ingest-error';
import { readTextCapped } from './read-text-capped';

function stream(chunks: number, size: number, pulled: { n: number }) {
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled.n >= chunks) return c.close();
      pulled.n++;
      c.enqueue(new Uint8Array(size));
    },
  });
}

describe('readTextCapped', () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request('http://127.0.0.1/v1/batch', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

  it('decodes a body within its declared Content-Length and reports its size in bytes', async () => {
    const text = '{"note":"é 😀"}';
    const bytes = new TextEncoder().encode(text);
    expect(await readTextCapped(post(bytes, { 'content-length': String(bytes.byteLength) }), 100)).toEqual({ text, bytes: bytes.byteLength });
  });

  it('measures a body longer than its declared Content-Length, and refuses it past the cap', async () => {
    // Over HTTP the framing cannot lie; a Request built in code can (headers swapped in here).
    const lying = (n: number) => Object.defineProperty(post('x'.repeat(n)), 'headers', { value: new Headers({ 'content-length': '10' }) });
    expect(await readTextCapped(lying(50), 100)).toEqual({ text: 'x'.repeat(50), bytes: 50 });
    const large = lying(150);
    await expect(readTextCapped(large, 100)).rejects.toMatchObject({ status: 413, code: 'body_too_large' });
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const request = post(stream(10, 10, { n: 0 }), { 'content-length': '101' });
    await expect(readTextCapped(request, 100)).rejects.toMatchObject({ status: 413, code: 'body_too_large' });
    expect(request.bodyUsed).toBe(false);
    expect(request.body!.locked).toBe(false);
  });

  it('streams a body without Content-Length under the cap, and stops one that passes it', async () => {
    const ok = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"a":'));
        c.enqueue(new TextEncoder().encode('1}'));
        c.close();
      },
    });
    expect(await readTextCapped(post(ok), 100)).toEqual({ text: '{"a":1}', bytes: 7 });
    expect((await readTextCapped(post(stream(3, 10, { n: 0 })), 100)).bytes).toBe(30);
    const pulled = { n: 0 };
    const err = await readTextCapped(post(stream(1000, 10, pulled)), 100).catch((e) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect(err).toMatchObject({ status: 413 });
    expect(pulled.n).toBeLessThan(15);
  });
});
