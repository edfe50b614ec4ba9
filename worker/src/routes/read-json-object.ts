import { HTTPException } from 'hono/http-exception';
import { httpError } from '../middleware/error-handler';

/** Definitions are small; anything bigger is a mistake. */
const MAX_BODY_BYTES = 256 * 1024;

/** Reads a JSON object request body; 400/413 with a clear message otherwise. */
export async function readJsonObject(req: Request, maxBytes = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (text.length > maxBytes) throw httpError(413, 'body_too_large', `The body must be at most ${maxBytes} bytes of JSON.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw httpError(400, 'invalid_json', 'The body must be JSON (Content-Type: application/json).');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw httpError(400, 'invalid_body', 'The body must be a JSON object.');
  return value as Record<string, unknown>;
}

/** A 400 listing every problem, each with the path of the offending part (`rule.all[1].op`). */
export function invalidDefinition(code: string, what: string, errors: Array<{ path: string; message: string }>): HTTPException {
  const message = `Invalid ${what}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
  return new HTTPException(400, {
    res: new Response(JSON.stringify({ success: false, error: { code, message, details: errors } }), {
      status: 400,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    }),
  });
}

/** A readable id from a name: `VIP buyers (EU)` => `vip-buyers-eu`. */
export function slugId(name: string): string {
  const slug = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return slug || `id-${crypto.randomUUID().slice(0, 8)}`;
}
