import type { Audience, CampaignInput, CampaignStatus, FieldError, FrequencyCap, Goal, ThemeToken, Variant, VariantContent } from './campaign-types';
import type { JsonValue } from '@portrait/protocol';
import { unsafeUrlReason } from './safe-url';
import { PLACEHOLDER_FIELDS, parseTemplate } from './template';

/** Bounds on what a campaign may hold. */
export const CAMPAIGN_LIMITS = {
  name: 120,
  slot: 64,
  headline: 160,
  body: 600,
  ctaLabel: 40,
  alt: 200,
  variants: 10,
  maxHoldout: 0.5,
  goalEvent: 200,
  goalWhere: 10,
  /** Longest attribution window: 90 days. */
  windowHours: 24 * 90,
  ruleBytes: 8 * 1024,
} as const;

/** Top-level fields a campaign may hold. */
export const CAMPAIGN_FIELDS: readonly string[] = ['name', 'slot', 'audience', 'variants', 'holdout', 'goal', 'startAt', 'endAt', 'priority', 'frequencyCap', 'status'];

export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['draft', 'active', 'paused', 'archived'];

/** Pattern per theme token: colours as hex, radius in px, alignment keywords. */
export const THEME_TOKENS: Readonly<Record<ThemeToken, RegExp>> = {
  background: /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/,
  text: /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/,
  accent: /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/,
  accentText: /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/,
  radius: /^(?:[0-9]|[1-3][0-9]|4[0-8])px$/,
  align: /^(?:left|center|right)$/,
};

const ID = /^[A-Za-z0-9_-]{1,40}$/;
const SLOT = /^[A-Za-z0-9_-]{1,64}$/;
const TAG = /<\s*\/?\s*[A-Za-z!?]/;
const HANDLER = /\bon[a-z]+\s*=/i;
const SCRIPT_URL = /\b(?:javascript|vbscript|data)\s*:/i;

export interface ValidateCampaignOptions {
  /** Validates an inline audience rule (the segments domain); returns an error message or null. Default: shape checks only. */
  validateRule?: (rule: unknown) => string | null;
  /** Placeholder allow-list (default `PLACEHOLDER_FIELDS`). */
  fields?: readonly string[];
}

type Obj = Record<string, unknown>;

/**
 * Check a submitted campaign and return it normalized (defaults filled) or every problem
 * found, each naming its field. Rejects markup, event-handler attributes, script URLs and
 * unknown placeholders in text, non-http(s) links, unknown theme tokens and over-long fields.
 *
 * @example
 * const r = validateCampaign({ name: 'Spring', slot: 'hero', goal: { event: 'Order Completed' },
 *   variants: [{ content: { headline: 'Hi {{traits.firstName | default: "there"}}' } }] });
 * if (!r.ok) r.errors // [{ field: 'variants[0].content.cta.url', message: '...' }]
 */
export function validateCampaign(
  input: unknown,
  options: ValidateCampaignOptions = {},
): { ok: true; value: CampaignInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string): undefined => {
    errors.push({ field, message });
    return undefined;
  };
  if (!isObj(input)) return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  const fields = options.fields ?? PLACEHOLDER_FIELDS;
  for (const k of Object.keys(input)) {
    if (!CAMPAIGN_FIELDS.includes(k)) fail(k, `is not a campaign field; use ${CAMPAIGN_FIELDS.join(', ')}`);
  }

  const name = plainText(input.name, 'name', CAMPAIGN_LIMITS.name, true, fail);
  let slot: string | undefined;
  if (typeof input.slot !== 'string' || !SLOT.test(input.slot)) fail('slot', 'must be 1-64 letters, digits, "-" or "_" (the value of data-portrait-slot)');
  else slot = input.slot;

  const audience = readAudience(input.audience, options, fail);
  const variants = readVariants(input.variants, fields, fail);

  let holdout = 0.1;
  if (input.holdout !== undefined) {
    if (typeof input.holdout !== 'number' || !(input.holdout >= 0 && input.holdout <= CAMPAIGN_LIMITS.maxHoldout)) {
      fail('holdout', `must be a share between 0 and ${CAMPAIGN_LIMITS.maxHoldout} (default 0.1)`);
    } else holdout = input.holdout;
  }

  const goal = readGoal(input.goal, fail);
  const startAt = readTime(input.startAt, 'startAt', fail);
  const endAt = readTime(input.endAt, 'endAt', fail);
  if (startAt && endAt && Date.parse(endAt) <= Date.parse(startAt)) fail('endAt', 'must be after startAt');

  let priority = 0;
  if (input.priority !== undefined) {
    if (!Number.isInteger(input.priority) || Math.abs(input.priority as number) > 1000) fail('priority', 'must be an integer between -1000 and 1000');
    else priority = input.priority as number;
  }

  const frequencyCap = readCap(input.frequencyCap, fail);

  let status: CampaignStatus = 'draft';
  if (input.status !== undefined) {
    if (!CAMPAIGN_STATUSES.includes(input.status as CampaignStatus)) fail('status', `must be one of ${CAMPAIGN_STATUSES.join(', ')}`);
    else status = input.status as CampaignStatus;
  }

  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name: name!, slot: slot!, audience: audience!, variants: variants!, holdout, goal: goal!,
      startAt: startAt ?? null, endAt: endAt ?? null, priority, frequencyCap: frequencyCap ?? null, status,
    },
  };
}

type Fail = (field: string, message: string) => undefined;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text shown to visitors or marketers: bounded, no markup, no handlers, no script URLs. */
function plainText(v: unknown, field: string, max: number, required: boolean, fail: Fail): string | undefined {
  if (v === undefined || v === null || v === '') return required ? fail(field, 'is required') : undefined;
  if (typeof v !== 'string') return fail(field, 'must be a string');
  if (v.length > max) return fail(field, `must be at most ${max} characters (got ${v.length})`);
  if (TAG.test(v)) return fail(field, 'must be plain text: markup such as "<tag" is not allowed');
  if (HANDLER.test(v)) return fail(field, 'must be plain text: event-handler attributes such as "onerror=" are not allowed');
  if (SCRIPT_URL.test(v)) return fail(field, 'must be plain text: "javascript:", "vbscript:" and "data:" are not allowed');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) return fail(field, 'must not contain control characters');
  return v;
}

function templateText(v: unknown, field: string, max: number, required: boolean, fields: readonly string[], fail: Fail): string | undefined {
  const text = plainText(v, field, max, required, fail);
  if (text === undefined) return undefined;
  const parsed = parseTemplate(text, fields);
  if (parsed.error) return fail(field, parsed.error);
  return text;
}

function url(v: unknown, field: string, fail: Fail): string | undefined {
  if (typeof v !== 'string') return fail(field, 'must be a string URL');
  const reason = unsafeUrlReason(v);
  return reason ? fail(field, reason) : v;
}

function readAudience(v: unknown, options: ValidateCampaignOptions, fail: Fail): Audience | undefined {
  if (v === undefined || v === null) return { everyone: true };
  if (!isObj(v)) return fail('audience', 'must be {"everyone":true}, {"segment":"<segment id>"} or {"rule":{...}}');
  const keys = Object.keys(v);
  if (keys.length !== 1) return fail('audience', 'must have exactly one of "everyone", "segment" or "rule"');
  if (v.everyone === true) return { everyone: true };
  if ('segment' in v) {
    if (typeof v.segment !== 'string' || !/^[A-Za-z0-9_:.-]{1,100}$/.test(v.segment)) return fail('audience.segment', 'must be a segment id (1-100 letters, digits, "_", "-", ":", ".")');
    return { segment: v.segment };
  }
  if ('rule' in v) {
    if (!isObj(v.rule)) return fail('audience.rule', 'must be a segment rule object');
    if (JSON.stringify(v.rule).length > CAMPAIGN_LIMITS.ruleBytes) return fail('audience.rule', `must be at most ${CAMPAIGN_LIMITS.ruleBytes} bytes of JSON`);
    const problem = options.validateRule?.(v.rule);
    if (problem) return fail('audience.rule', problem);
    return { rule: v.rule as JsonValue };
  }
  return fail('audience', 'must be {"everyone":true}, {"segment":"<segment id>"} or {"rule":{...}}');
}

function readVariants(v: unknown, fields: readonly string[], fail: Fail): Variant[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return fail('variants', 'must be a non-empty array');
  if (v.length > CAMPAIGN_LIMITS.variants) return fail('variants', `must hold at most ${CAMPAIGN_LIMITS.variants} variants`);
  const out: Variant[] = [];
  const ids = new Set<string>();
  let bad = false;
  v.forEach((item, i) => {
    const at = `variants[${i}]`;
    if (!isObj(item)) {
      bad = true;
      fail(at, 'must be an object with "content"');
      return;
    }
    for (const k of Object.keys(item)) {
      if (!['id', 'name', 'content'].includes(k)) {
        bad = true;
        fail(`${at}.${k}`, 'is not a variant field; use id, name, content');
      }
    }
    const id = item.id === undefined ? `v${i + 1}` : item.id;
    if (typeof id !== 'string' || !ID.test(id)) {
      bad = true;
      fail(`${at}.id`, 'must be 1-40 letters, digits, "-" or "_"');
    } else if (ids.has(id) || id === 'holdout') {
      bad = true;
      fail(`${at}.id`, id === 'holdout' ? '"holdout" is reserved' : `duplicates another variant's id "${id}"`);
    } else ids.add(id);
    const name = item.name === undefined ? String(id) : plainText(item.name, `${at}.name`, CAMPAIGN_LIMITS.name, true, fail);
    const content = readContent(item.content, `${at}.content`, fields, fail);
    if (name === undefined || !content) bad = true;
    else out.push({ id: id as string, name, content });
  });
  return bad ? undefined : out;
}

function readContent(v: unknown, at: string, fields: readonly string[], fail: Fail): VariantContent | undefined {
  if (!isObj(v)) return fail(at, 'must be an object with "headline" (and optional body, cta, image, theme)');
  let ok = true;
  const known = ['headline', 'body', 'cta', 'image', 'theme'];
  for (const k of Object.keys(v)) if (!known.includes(k)) ok = !!fail(`${at}.${k}`, `is not a content field; use ${known.join(', ')}`);
  const headline = templateText(v.headline, `${at}.headline`, CAMPAIGN_LIMITS.headline, true, fields, fail);
  const content: VariantContent = { headline: headline ?? '' };
  if (headline === undefined) ok = false;
  if (v.body !== undefined) {
    const body = templateText(v.body, `${at}.body`, CAMPAIGN_LIMITS.body, false, fields, fail);
    if (body === undefined && v.body !== '') ok = false;
    else if (body) content.body = body;
  }
  if (v.cta !== undefined) {
    if (!isObj(v.cta)) ok = !!fail(`${at}.cta`, 'must be {"label": "...", "url": "https://..."}');
    else {
      const label = templateText(v.cta.label, `${at}.cta.label`, CAMPAIGN_LIMITS.ctaLabel, true, fields, fail);
      const link = url(v.cta.url, `${at}.cta.url`, fail);
      if (label === undefined || link === undefined) ok = false;
      else content.cta = { label, url: link };
    }
  }
  if (v.image !== undefined) {
    if (!isObj(v.image)) ok = !!fail(`${at}.image`, 'must be {"url": "https://...", "alt": "..."}');
    else {
      const src = url(v.image.url, `${at}.image.url`, fail);
      const alt = v.image.alt === undefined || v.image.alt === '' ? '' : templateText(v.image.alt, `${at}.image.alt`, CAMPAIGN_LIMITS.alt, false, fields, fail);
      if (src === undefined || alt === undefined) ok = false;
      else content.image = { url: src, alt };
    }
  }
  if (v.theme !== undefined) {
    if (!isObj(v.theme)) ok = !!fail(`${at}.theme`, `must be an object of tokens (${Object.keys(THEME_TOKENS).join(', ')})`);
    else {
      const theme: Partial<Record<ThemeToken, string>> = {};
      for (const [k, val] of Object.entries(v.theme)) {
        const pattern = THEME_TOKENS[k as ThemeToken];
        if (!Object.prototype.hasOwnProperty.call(THEME_TOKENS, k)) ok = !!fail(`${at}.theme.${k}`, `is not a theme token; use ${Object.keys(THEME_TOKENS).join(', ')}`);
        else if (typeof val !== 'string' || !pattern.test(val)) ok = !!fail(`${at}.theme.${k}`, k === 'radius' ? 'must be 0px to 48px' : k === 'align' ? 'must be left, center or right' : 'must be a hex colour like #1a2b3c');
        else theme[k as ThemeToken] = val;
      }
      content.theme = theme;
    }
  }
  return ok ? content : undefined;
}

function readGoal(v: unknown, fail: Fail): Goal | undefined {
  if (!isObj(v)) return fail('goal', 'must be {"event": "Order Completed", "where"?: {...}, "windowHours"?: 168}');
  let ok = true;
  if (typeof v.event !== 'string' || !v.event.trim() || v.event.length > CAMPAIGN_LIMITS.goalEvent) ok = !!fail('goal.event', `must be an event name of 1-${CAMPAIGN_LIMITS.goalEvent} characters`);
  const goal: Goal = { event: String(v.event), windowHours: 168 };
  if (v.windowHours !== undefined) {
    if (typeof v.windowHours !== 'number' || !(v.windowHours > 0 && v.windowHours <= CAMPAIGN_LIMITS.windowHours)) ok = !!fail('goal.windowHours', `must be a number of hours between 0 and ${CAMPAIGN_LIMITS.windowHours}`);
    else goal.windowHours = v.windowHours;
  }
  if (v.where !== undefined) {
    if (!isObj(v.where)) ok = !!fail('goal.where', 'must be an object of property names to string, number or boolean values');
    else {
      const entries = Object.entries(v.where);
      if (entries.length > CAMPAIGN_LIMITS.goalWhere) ok = !!fail('goal.where', `must hold at most ${CAMPAIGN_LIMITS.goalWhere} properties`);
      for (const [k, val] of entries) {
        if (!['string', 'number', 'boolean'].includes(typeof val) || k.length > 100) ok = !!fail(`goal.where.${k}`, 'must be a string, number or boolean');
      }
      if (ok) goal.where = v.where as Goal['where'];
    }
  }
  return ok ? goal : undefined;
}

function readTime(v: unknown, field: string, fail: Fail): string | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}/.test(v)) return fail(field, 'must be an ISO 8601 time such as 2026-12-01T00:00:00Z, or null');
  return new Date(Date.parse(v)).toISOString();
}

function readCap(v: unknown, fail: Fail): FrequencyCap | null | undefined {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) return fail('frequencyCap', 'must be {"impressions": 3, "periodHours": 24} or null');
  const n = v.impressions;
  const h = v.periodHours ?? 24;
  if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 1000) return fail('frequencyCap.impressions', 'must be an integer from 1 to 1000');
  if (typeof h !== 'number' || !(h >= 1 && h <= 8760)) return fail('frequencyCap.periodHours', 'must be a number of hours from 1 to 8760');
  return { impressions: n as number, periodHours: h };
}
