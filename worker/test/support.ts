import type { ErrorResponse, IngestResponse } from '@portrait/protocol';
import { SELF } from 'cloudflare:test';

export const ORIGIN = 'http://collector.test';
export const WRITE_KEY = 'wk_demo';
export const SECRET_KEY = 'sk_demo';

let ipCounter = 0;
/** A fresh client IP per call, so rate limits of one test never touch another. */
export function freshIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

let idCounter = 0;
export function uid(prefix = 'id'): string {
  idCounter++;
  return `${prefix}-${Date.now().toString(36)}-${idCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function basic(key: string): string {
  return `Basic ${btoa(`${key}:`)}`;
}

export interface PostOptions {
  key?: string | null;
  ip?: string;
  headers?: Record<string, string>;
  contentType?: string;
}

/** POSTs a JSON body (string bodies are sent as they are) to an ingest route. */
export async function post(path: string, body: unknown, opts: PostOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/json',
    'cf-connecting-ip': opts.ip ?? freshIp(),
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    ...opts.headers,
  };
  const key = opts.key === undefined ? WRITE_KEY : opts.key;
  if (key !== null) headers.authorization = basic(key);
  return SELF.fetch(`${ORIGIN}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Either answer of an ingest route: the IngestResponse fields on 200, `error` otherwise. */
export type IngestAnswer = Omit<IngestResponse, 'success'> & { success: boolean; error: ErrorResponse['error'] };

export async function ingest(body: unknown, opts: PostOptions = {}): Promise<{ status: number; body: IngestAnswer; res: Response }> {
  const res = await post('/v1/batch', body, opts);
  return { status: res.status, body: (await res.json()) as IngestAnswer, res };
}

export function track(anonymousId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Product Viewed',
    messageId: uid('msg'),
    anonymousId,
    timestamp: new Date().toISOString(),
    properties: { product_id: 'p1', price: 10 },
    ...extra,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProfileBody = { profile: any; events: any[]; error: ErrorResponse['error'] };

export async function getProfile(ref: string, key = SECRET_KEY): Promise<{ status: number; body: ProfileBody }> {
  const res = await SELF.fetch(`${ORIGIN}/v1/profiles/${encodeURIComponent(ref)}?limit=500`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as ProfileBody };
}

/** Events stored for a profile (0 when the profile does not exist). */
export async function storedCount(ref: string): Promise<number> {
  const r = await getProfile(ref);
  return r.status === 200 ? r.body.profile.eventCount : 0;
}

export async function deadLetters(query = ''): Promise<{ items: Array<{ reason: string; index: number; messageId: string | null; payload: string; message: string }> }> {
  const res = await SELF.fetch(`${ORIGIN}/v1/dead-letters?limit=1000${query}`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
  return res.json();
}

export async function stats(): Promise<Record<string, number>> {
  const res = await SELF.fetch(`${ORIGIN}/v1/ingest/stats?days=1`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
  const body = (await res.json()) as { days: Record<string, Record<string, number>> };
  return Object.values(body.days)[0] ?? {};
}
