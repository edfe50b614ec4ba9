import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { visitorCors, visitorPreflight } from '../middleware/visitor-cors';
import { authorizeWriteKey, presentedWriteKey } from '../middleware/write-key';
import { cleanId } from '../ingest/clean-id';
import { isBlockedId } from '../ingest/blocked-ids';
import { IngestError } from '../ingest/ingest-error';
import { parseJsonBody } from '../ingest/parse-json-body';
import { readTextCapped } from '../ingest/read-text-capped';
import { takeToken } from '../middleware/marketer-rate-limit';
import { applyD1Migrations } from '../storage/apply-d1-migrations';
import { ensureDevTenant } from '../storage/dev-tenant';
import { eraseProfile } from '../storage/erasure';
import { sha256Hex } from '../storage/key-store';
import { resolveProfile } from '../storage/profile-resolve';
import { ERROR_SCHEMA, type RouteRegistry } from './route-registry';

/** Erasure requests per client IP per write key per minute. */
const ERASE_PER_IP_PER_MIN = 10;
const MAX_BODY = 4_096;


/**
 * `POST /v1/erase` (write key): what the SDK's `consent.withdraw({ erase: true })` sends,
 * as a text/plain JSON body `{ writeKey, anonymousId, messageId }`. It erases the profile
 * that anonymousId belongs to (following a merge to the person it became) and suppresses
 * the id, and nothing else: a userId sent from a browser is ignored, since anyone can
 * type one. A retry with the same messageId returns the same job.
 */
export function eraseRoutes(registry: RouteRegistry<AppEnv>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.options('/v1/erase', visitorPreflight);

  registry.define(app, {
    method: 'post', path: '/v1/erase', operationId: 'eraseVisitor', tags: ['Privacy'], auth: 'write',
    summary: 'A visitor erases themselves from the browser (SDK `consent.withdraw({ erase: true })`).',
    description: 'Erases the profile the anonymousId belongs to and suppresses the id. userId is ignored: a browser can only erase its own visitor.',
    requestBody: {
      description: 'Sent as text/plain by the SDK (no preflight).',
      contentType: ['text/plain', 'application/json'],
      schema: {
        type: 'object',
        required: ['anonymousId'],
        properties: { writeKey: { type: 'string' }, anonymousId: { type: 'string', maxLength: 100 }, messageId: { type: 'string', maxLength: 100 } },
      },
    },
    responses: {
      202: { description: 'Erased.', schema: { type: 'object', required: ['jobId', 'status'], properties: { jobId: { type: 'string' }, status: { enum: ['completed', 'failed', 'running'] } } } },
      400: { description: 'Malformed body, or a missing or shared anonymousId.', schema: ERROR_SCHEMA },
      503: { description: 'A storage step failed; retry with the same messageId.', schema: ERROR_SCHEMA },
    },
    use: [visitorCors()],
    handler: async function eraseVisitor(c) {
      const env = c.env;
      await applyD1Migrations(env.DB);
      await ensureDevTenant(env);
      const parsed = parseJsonBody((await readTextCapped(c.req.raw, MAX_BODY)).text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new IngestError(400, 'invalid_body', 'Send a JSON object: { "writeKey": "...", "anonymousId": "...", "messageId": "..." }.');
      }
      const body = parsed as Record<string, unknown>;
      const record = await authorizeWriteKey(c, presentedWriteKey(c.req.header('authorization'), body), 'Marketers erase with DELETE /v1/profiles/:id.');
      const wait = takeToken(`e|${record.tenantId}|${c.req.header('cf-connecting-ip') ?? 'unknown'}`, ERASE_PER_IP_PER_MIN);
      if (wait > 0) throw new IngestError(429, 'rate_limited', `Too many erasure requests. Retry after ${wait} s.`, wait);

      const anon = cleanId(body.anonymousId, 'anonymousId');
      if (!anon.ok) throw new IngestError(400, 'invalid_id', anon.message);
      if (!anon.value) throw new IngestError(400, 'missing_identity', 'anonymousId is required: the browser can only erase its own visitor.');
      if (isBlockedId(anon.value)) throw new IngestError(400, 'invalid_id', `anonymousId "${anon.value}" is shared by many visitors; it cannot name one person.`);
      const message = cleanId(body.messageId, 'messageId');
      if (!message.ok) throw new IngestError(400, 'invalid_id', message.message);

      const profileKey = `anon:${anon.value}`;
      const target = await resolveProfile(env, record.tenantId, { kind: 'key', key: profileKey });
      const jobId = message.value ? `er_${(await sha256Hex(`${record.tenantId}\nerase\n${message.value}`)).slice(0, 24)}` : undefined;
      const job = await eraseProfile(env, record.tenantId, target, { via: 'sdk', extraKeys: [profileKey], jobId });
      if (job.status === 'failed') throw new IngestError(503, 'erasure_failed', 'The erasure did not finish; retry (the same messageId resumes it).', 5);
      return c.json({ jobId: job.jobId, status: job.status }, 202);
    },
  });
  return app;
}
