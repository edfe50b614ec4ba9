import type { Env as HonoEnv, Handler, Hono, MiddlewareHandler } from 'hono';

/** A JSON Schema (2020-12, what OpenAPI 3.1 uses). */
export type Schema = Record<string, unknown>;

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: a marketer secret key, a site write key, or anyone. */
export type RouteAuth = 'secret' | 'write' | 'none';

export interface RouteParam {
  name: string;
  in: 'path' | 'query';
  description: string;
  required?: boolean;
  schema: Schema;
}

export interface RouteResponse {
  description: string;
  /** Defaults to application/json. */
  contentType?: string;
  schema?: Schema;
  headers?: Record<string, { description: string; schema: Schema }>;
}

/** Everything a route says about itself; the OpenAPI document is built from these. */
export interface RouteDefinition<E extends HonoEnv> {
  method: HttpMethod;
  /** Hono path, e.g. `/v1/profiles/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: RouteAuth;
  params?: RouteParam[];
  requestBody?: { description: string; contentType: string[]; schema: Schema };
  responses: Record<number, RouteResponse>;
  /** Middleware run before the handler (auth, rate limits). */
  use?: MiddlewareHandler<E>[];
  handler: Handler<E>;
}

export const ERROR_SCHEMA: Schema = {
  type: 'object',
  required: ['success', 'error'],
  properties: {
    success: { const: false },
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
};

const AUTH_ERRORS: Record<RouteAuth, Record<number, string>> = {
  secret: {
    401: 'No secret key, or an unknown one.',
    403: 'A write key, or a disabled secret key.',
    429: 'Too many requests for this key; retry after `Retry-After` seconds.',
  },
  write: { 401: 'No write key, or an unknown one.', 403: 'A secret key, a disabled write key, or an origin the key does not allow.', 429: 'Too many requests; retry after `Retry-After` seconds.' },
  none: {},
};

/**
 * Routes that describe themselves: `define` registers the handler on a Hono app and
 * keeps the definition, and `document` turns the definitions into an OpenAPI 3.1
 * document, so the document can never drift from what the worker serves.
 *
 * @example
 * const registry = new RouteRegistry<AppEnv>();
 * registry.define(app, { method: 'get', path: '/v1/things/:id', auth: 'secret', ..., handler });
 * registry.document({ title: 'Portrait', version: '1' });
 */
export class RouteRegistry<E extends HonoEnv> {
  readonly routes: RouteDefinition<E>[] = [];

  define(app: Hono<E>, def: RouteDefinition<E>): void {
    this.routes.push(def);
    app.on([def.method.toUpperCase()], [def.path], ...(def.use ?? []), def.handler);
  }

  /**
   * The OpenAPI document. `otherRoutes` (method + path of every route the app serves)
   * adds the routes registered elsewhere without a definition, marked
   * `x-portrait-undescribed`, so the document lists every route the worker answers.
   */
  document(info: { title: string; version: string; description?: string }, otherRoutes: Array<{ method: string; path: string }> = []): Schema {
    const paths: Record<string, Record<string, unknown>> = {};
    const known = new Set<string>();
    for (const def of this.routes) {
      known.add(`${def.method} ${def.path}`);
      (paths[openApiPath(def.path)] ??= {})[def.method] = operation(def);
    }
    for (const r of otherRoutes) {
      const method = r.method.toLowerCase();
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method) || r.path.includes('*') || known.has(`${method} ${r.path}`)) continue;
      known.add(`${method} ${r.path}`);
      const op: Record<string, unknown> = {
        summary: `${r.method.toUpperCase()} ${r.path}`,
        'x-portrait-undescribed': true,
        responses: { default: { description: 'See the route source.' } },
      };
      const params = pathParams(r.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
      if (params.length) op.parameters = params;
      (paths[openApiPath(r.path)] ??= {})[method] = op;
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'A tenant secret key (sk_...). Never use it in a browser.' },
          writeKey: { type: 'http', scheme: 'basic', description: 'A site write key as the Basic user with an empty password, or `writeKey` in the JSON body.' },
        },
        schemas: { Error: ERROR_SCHEMA },
      },
    };
  }
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
}

/** `/v1/profiles/:id` => `/v1/profiles/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}

function operation<E extends HonoEnv>(def: RouteDefinition<E>): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const all: Record<number, RouteResponse> = { ...def.responses };
  for (const [status, description] of Object.entries(AUTH_ERRORS[def.auth])) {
    all[Number(status)] ??= { description, schema: { $ref: '#/components/schemas/Error' } };
  }
  for (const [status, r] of Object.entries(all)) {
    const out: Record<string, unknown> = { description: r.description };
    if (r.schema) out.content = { [r.contentType ?? 'application/json']: { schema: r.schema } };
    if (r.headers) out.headers = r.headers;
    if (Number(status) === 429 && !r.headers) out.headers = { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } };
    responses[status] = out;
  }
  const declared = new Set((def.params ?? []).filter((p) => p.in === 'path').map((p) => p.name));
  const parameters = [
    ...pathParams(def.path)
      .filter((name) => !declared.has(name))
      .map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(def.params ?? []).map((p) => ({ name: p.name, in: p.in, description: p.description, required: p.in === 'path' ? true : (p.required ?? false), schema: p.schema })),
  ];
  const op: Record<string, unknown> = {
    operationId: def.operationId,
    summary: def.summary,
    tags: def.tags,
    security: def.auth === 'secret' ? [{ secretKey: [] }] : def.auth === 'write' ? [{ writeKey: [] }] : [],
    responses,
  };
  if (def.description) op.description = def.description;
  if (parameters.length) op.parameters = parameters;
  if (def.requestBody) {
    op.requestBody = {
      description: def.requestBody.description,
      required: true,
      content: Object.fromEntries(def.requestBody.contentType.map((t) => [t, { schema: def.requestBody!.schema }])),
    };
  }
  return op;
}
