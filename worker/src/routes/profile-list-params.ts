import { httpError } from '../middleware/error-handler';
import { SORT_FIELDS, type ListPage, type ProfileFilter, type SortField } from '../storage/profile-index';
import type { RouteParam } from './route-registry';
import { decodeCursor, encodeCursor } from './cursor';
import { enumParam, intParam, numberParam, timeParam } from './query-params';

export const MAX_LIST_LIMIT = 200;
const SORT_ALIASES: Record<string, SortField> = { lastSeen: 'last_seen', last_seen: 'last_seen', revenue: 'revenue', orders: 'orders' };

interface ListCursor {
  s: SortField;
  o: 'asc' | 'desc';
  v: number;
  id: string;
}

const isListCursor = (v: unknown): v is ListCursor => {
  const c = v as ListCursor;
  return typeof c === 'object' && c !== null && (SORT_FIELDS as readonly string[]).includes(c.s) && (c.o === 'asc' || c.o === 'desc') &&
    typeof c.v === 'number' && Number.isFinite(c.v) && typeof c.id === 'string' && c.id.length <= 128;
};

/** The filter parameters shared by the list and the export, for the OpenAPI document. */
export const FILTER_PARAMS: RouteParam[] = [
  { name: 'segment', in: 'query', description: 'Only members of this segment.', schema: { type: 'string' } },
  { name: 'q', in: 'query', description: 'Case-insensitive text in the name or email.', schema: { type: 'string', maxLength: 200 } },
  { name: 'email', in: 'query', description: 'Exact email (case-insensitive).', schema: { type: 'string' } },
  { name: 'user_id', in: 'query', description: 'Exact userId.', schema: { type: 'string' } },
  { name: 'rfm_segment', in: 'query', description: 'RFM segment name, e.g. Champions.', schema: { type: 'string' } },
  { name: 'country', in: 'query', description: 'Country from traits or geo.', schema: { type: 'string' } },
  { name: 'min_orders', in: 'query', description: 'At least this many orders.', schema: { type: 'number' } },
  { name: 'max_orders', in: 'query', description: 'At most this many orders.', schema: { type: 'number' } },
  { name: 'min_revenue', in: 'query', description: 'At least this revenue.', schema: { type: 'number' } },
  { name: 'max_revenue', in: 'query', description: 'At most this revenue.', schema: { type: 'number' } },
  { name: 'seen_after', in: 'query', description: 'Last seen at or after (ISO-8601 or epoch ms).', schema: { type: 'string' } },
  { name: 'seen_before', in: 'query', description: 'Last seen before (ISO-8601 or epoch ms).', schema: { type: 'string' } },
  { name: 'trait.{name}', in: 'query', description: 'Equality on a scalar identify trait, e.g. `trait.plan=pro` (repeatable, any trait name).', schema: { type: 'string' } },
];

/** Reads the filter parameters; unknown `trait.` names are fine, malformed numbers and times are a 400. */
export function parseProfileFilter(query: Record<string, string[]>): ProfileFilter {
  const one = (k: string) => query[k]?.[query[k].length - 1];
  const q = one('q');
  if (q !== undefined && q.length > 200) throw httpError(400, 'invalid_parameter', 'q must be at most 200 characters.');
  const traits: Array<{ key: string; value: string }> = [];
  for (const [k, values] of Object.entries(query)) {
    if (!k.startsWith('trait.') || k.length === 6) continue;
    if (traits.length >= 10) throw httpError(400, 'invalid_parameter', 'At most 10 trait conditions.');
    for (const value of values) traits.push({ key: k.slice(6), value });
  }
  const filter: ProfileFilter = {
    segmentId: one('segment') || undefined,
    q: q?.trim() || undefined,
    email: one('email') || undefined,
    userId: one('user_id') || undefined,
    rfmSegment: one('rfm_segment') || undefined,
    country: one('country') || undefined,
    minOrders: numberParam(one('min_orders'), 'min_orders'),
    maxOrders: numberParam(one('max_orders'), 'max_orders'),
    minRevenue: numberParam(one('min_revenue'), 'min_revenue'),
    maxRevenue: numberParam(one('max_revenue'), 'max_revenue'),
    seenAfter: timeParam(one('seen_after'), 'seen_after'),
    seenBefore: timeParam(one('seen_before'), 'seen_before'),
    traits: traits.length ? traits : undefined,
  };
  return filter;
}

/** Sort, order, limit and cursor of `GET /v1/profiles`. */
export function parseListPage(query: Record<string, string[]>): ListPage {
  const one = (k: string) => query[k]?.[query[k].length - 1];
  const sortRaw = one('sort');
  if (sortRaw !== undefined && sortRaw !== '' && !(sortRaw in SORT_ALIASES)) {
    throw httpError(400, 'invalid_parameter', 'sort must be one of: last_seen, revenue, orders.');
  }
  const sort = sortRaw ? SORT_ALIASES[sortRaw] : 'last_seen';
  const order = enumParam(one('order'), 'order', ['asc', 'desc'] as const, 'desc');
  const limit = intParam(one('limit'), 'limit', 1, MAX_LIST_LIMIT, 50);
  const cursorRaw = one('cursor');
  let after: ListPage['after'];
  if (cursorRaw) {
    const c = decodeCursor(cursorRaw, isListCursor);
    if (c.s !== sort || c.o !== order) {
      throw httpError(400, 'invalid_cursor', 'This cursor belongs to another sort or order; pass the same sort and order as the first page.');
    }
    after = { value: c.v, id: c.id };
  }
  return { sort, order, limit, after };
}

export function listCursor(page: ListPage, next: { value: number; id: string } | null): string | null {
  return next ? encodeCursor({ s: page.sort, o: page.order, v: next.value, id: next.id } satisfies ListCursor) : null;
}
