import type { Schema } from './route-registry';

const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });

/** A row of `GET /v1/profiles` and of the export. */
export const PROFILE_LIST_ITEM_SCHEMA: Schema = {
  type: 'object',
  required: ['id', 'userId', 'email', 'name', 'lastSeen', 'orders', 'revenue', 'rfmSegment'],
  properties: {
    id: { type: 'string', description: 'Profile id (64 hex).' },
    userId: nullable('string'),
    anonymousIds: { type: 'array', items: { type: 'string' } },
    email: nullable('string'),
    name: nullable('string'),
    country: nullable('string'),
    firstSeen: nullable('string', { format: 'date-time' }),
    lastSeen: nullable('string', { format: 'date-time' }),
    orders: { type: 'number' },
    revenue: { type: 'number' },
    rfmSegment: nullable('string'),
    eventCount: { type: 'integer' },
  },
};

/** A stored event (Segment spec fields plus what the collector added). */
export const EVENT_SCHEMA: Schema = {
  type: 'object',
  required: ['type', 'messageId', 'timestamp', 'receivedAt', 'context'],
  properties: {
    type: { enum: ['track', 'page', 'screen', 'identify', 'group', 'alias'] },
    messageId: { type: 'string' },
    userId: { type: 'string' },
    anonymousId: { type: 'string' },
    event: { type: 'string' },
    name: { type: 'string' },
    properties: { type: 'object' },
    traits: { type: 'object' },
    context: { type: 'object' },
    timestamp: { type: 'string', format: 'date-time' },
    receivedAt: { type: 'string', format: 'date-time' },
    flags: { type: 'array', items: { type: 'string' } },
  },
};

const PROFILE_SCHEMA: Schema = {
  type: 'object',
  required: ['profileId', 'profileKey', 'portrait', 'identities', 'mergeLog', 'eventCount'],
  properties: {
    profileId: { type: 'string' },
    profileKey: { type: 'string', description: '`user:<userId>` or `anon:<anonymousId>`.' },
    createdAt: nullable('string', { format: 'date-time' }),
    portrait: { type: 'object', description: 'identity, traits, interests, commerce, rfm, behavior, channels, now, consent, segments, computed, predictions.' },
    identities: { type: 'array', items: { type: 'object', properties: { profileKey: { type: 'string' }, status: { enum: ['linked', 'refused'] }, at: { type: 'string' } } } },
    mergeLog: { type: 'array', items: { type: 'object' } },
    conflicts: { type: 'integer' },
    eventCount: { type: 'integer' },
  },
};

export const PROFILE_VIEW_SCHEMA: Schema = {
  type: 'object',
  required: ['profile', 'events'],
  properties: { profile: PROFILE_SCHEMA, events: { type: 'array', items: EVENT_SCHEMA } },
};

export const PERSON_EXPORT_SCHEMA: Schema = {
  type: 'object',
  required: ['exportedAt', 'profile', 'conflicts', 'events'],
  properties: {
    exportedAt: { type: 'string', format: 'date-time' },
    profile: PROFILE_SCHEMA,
    conflicts: { type: 'array', items: { type: 'object', properties: { messageId: { type: 'string' }, receivedAt: { type: 'string' }, event: EVENT_SCHEMA } } },
    events: { type: 'array', items: EVENT_SCHEMA, description: 'Every event, oldest first.' },
  },
};

export const ERASURE_JOB_SCHEMA: Schema = {
  type: 'object',
  required: ['jobId', 'status'],
  properties: {
    jobId: { type: 'string' },
    status: { enum: ['running', 'completed', 'failed'] },
    via: { enum: ['api', 'sdk'] },
    profilesErased: { type: 'integer' },
    eventsErased: { type: 'integer' },
    idsSuppressed: { type: 'integer' },
    error: nullable('string'),
    createdAt: { type: 'string', format: 'date-time' },
    finishedAt: nullable('string', { format: 'date-time' }),
  },
};
