/**
 * The segment rule language (JSON). A rule is a group (`all`, `any`, `not`), a field
 * condition, or an event condition:
 *
 *   { "all": [
 *     { "field": "traits.address.country", "op": "eq", "value": "France" },
 *     { "field": "commerce.revenue", "op": "gte", "value": 100 },
 *     { "event": "Order Completed", "op": "gte", "value": 2, "withinDays": 30 },
 *     { "not": { "field": "segments.churned", "op": "exists" } } ] }
 *
 * Field paths: `traits.<name>` is the trait's current value (`traits.derived.age`,
 * `traits.reserved.email` reach the typed sections), `computed.<key>` a computed trait,
 * any other dot path a portrait field (`commerce.orders`, `rfm.segment`, `now.location.country`).
 * Event conditions count events by name from the portrait's daily counts (UTC days).
 */
export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'starts_with', 'exists', 'in', 'between', 'within_last_days'] as const;
export type Operator = (typeof OPERATORS)[number];
export const COUNT_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in'] as const;
export type CountOperator = (typeof COUNT_OPERATORS)[number];

export type Scalar = string | number | boolean | null;

export interface FieldCondition { field: string; op: Operator; value?: Scalar | Scalar[] }
export interface EventCondition { event: string; op?: CountOperator; value?: number | number[]; withinDays?: number }
export type SegmentRule = { all: SegmentRule[] } | { any: SegmentRule[] } | { not: SegmentRule } | FieldCondition | EventCondition;

export interface SegmentDefinition { id: string; name: string; rule: SegmentRule }

export interface RuleError { path: string; message: string }

const MAX_DEPTH = 10;
const MAX_NODES = 200;

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkValue(op: string, value: unknown, path: string, errors: RuleError[], countOnly: boolean): void {
  const at = `${path}.value`;
  switch (op) {
    case 'exists':
      if (value !== undefined && typeof value !== 'boolean') errors.push({ path: at, message: 'exists takes true (default) or false' });
      return;
    case 'in':
      if (!Array.isArray(value) || value.length === 0 || value.length > 1000 || !value.every(countOnly ? isNum : isScalar)) errors.push({ path: at, message: `in needs a non-empty list (at most 1,000) of ${countOnly ? 'numbers' : 'strings, numbers or booleans'}` });
      return;
    case 'between':
      if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => isNum(v) || (!countOnly && typeof v === 'string' && Number.isFinite(Date.parse(v))))) errors.push({ path: at, message: 'between needs [low, high]: two numbers, or two ISO dates' });
      return;
    case 'within_last_days':
      if (!isNum(value) || value <= 0) errors.push({ path: at, message: 'within_last_days needs a positive number of days' });
      return;
    case 'gt': case 'gte': case 'lt': case 'lte':
      if (!(isNum(value) || (!countOnly && typeof value === 'string' && value !== ''))) errors.push({ path: at, message: `${op} needs a number${countOnly ? '' : ' or an ISO date'}` });
      return;
    case 'contains': case 'starts_with':
      if (typeof value !== 'string' || value === '') errors.push({ path: at, message: `${op} needs a non-empty string` });
      return;
    default: // eq, neq
      if (countOnly ? !isNum(value) : !isScalar(value)) errors.push({ path: at, message: `${op} needs ${countOnly ? 'a number' : 'a string, number, boolean or null'}` });
  }
}

/** Every problem of a rule, each naming the path of the offending part (`all[1].op`). Empty when valid. */
export function validateSegmentRule(rule: unknown): RuleError[] {
  const errors: RuleError[] = [];
  let nodes = 0;
  const walk = (node: unknown, path: string, depth: number) => {
    if (++nodes > MAX_NODES) {
      if (nodes === MAX_NODES + 1) errors.push({ path, message: `a rule may have at most ${MAX_NODES} parts` });
      return;
    }
    if (depth > MAX_DEPTH) return void errors.push({ path, message: `rules nest at most ${MAX_DEPTH} levels deep` });
    if (!isObj(node)) return void errors.push({ path, message: 'expected an object: a group (all, any, not) or a condition (field or event)' });
    const keys = Object.keys(node);
    const kinds = ['all', 'any', 'not', 'field', 'event'].filter((k) => k in node);
    if (kinds.length !== 1) return void errors.push({ path, message: kinds.length ? `use one of ${kinds.join(', ')} per part, not several` : 'expected one of all, any, not, field or event' });
    const kind = kinds[0];
    const sub = (k: string) => (path === '' ? k : `${path}.${k}`);
    if (kind === 'all' || kind === 'any') {
      const list = node[kind];
      if (!Array.isArray(list) || list.length === 0) return void errors.push({ path: sub(kind), message: `${kind} needs a non-empty list of rules` });
      const extra = keys.filter((k) => k !== kind);
      if (extra.length) errors.push({ path, message: `unknown key ${extra[0]}` });
      list.forEach((r, i) => walk(r, `${sub(kind)}[${i}]`, depth + 1));
      return;
    }
    if (kind === 'not') {
      const extra = keys.filter((k) => k !== 'not');
      if (extra.length) errors.push({ path, message: `unknown key ${extra[0]}` });
      return walk(node.not, sub('not'), depth + 1);
    }
    if (kind === 'field') {
      const extra = keys.filter((k) => !['field', 'op', 'value'].includes(k));
      if (extra.length) errors.push({ path: sub(extra[0]), message: `unknown key ${extra[0]} in a field condition (field, op, value)` });
      const field = node.field;
      if (typeof field !== 'string' || !/^[^.\s][^\s]*$/.test(field) || field.length > 200 || field.split('.').some((s) => s === '' || s === '__proto__' || s === 'constructor' || s === 'prototype')) {
        errors.push({ path: sub('field'), message: 'field must be a dot path such as traits.email or commerce.revenue' });
      }
      if (!OPERATORS.includes(node.op as Operator)) return void errors.push({ path: sub('op'), message: `op must be one of ${OPERATORS.join(', ')}` });
      return checkValue(node.op as string, node.value, path === '' ? '(root)' : path, errors, false);
    }
    // event condition
    const extra = keys.filter((k) => !['event', 'op', 'value', 'withinDays'].includes(k));
    if (extra.length) errors.push({ path: sub(extra[0]), message: `unknown key ${extra[0]} in an event condition (event, op, value, withinDays)` });
    if (typeof node.event !== 'string' || node.event === '' || node.event.length > 200) errors.push({ path: sub('event'), message: 'event must be an event name (1-200 characters)' });
    if (node.withinDays !== undefined && !(Number.isInteger(node.withinDays) && (node.withinDays as number) >= 1 && (node.withinDays as number) <= 400)) errors.push({ path: sub('withinDays'), message: 'withinDays must be a whole number of days from 1 to 400' });
    if (node.op === undefined && node.value === undefined) return; // "happened at least once"
    if (!COUNT_OPERATORS.includes(node.op as CountOperator)) return void errors.push({ path: sub('op'), message: `op of an event condition must be one of ${COUNT_OPERATORS.join(', ')}` });
    checkValue(node.op as string, node.value, path === '' ? '(root)' : path, errors, true);
  };
  walk(rule, '', 0);
  return errors.map((e) => ({ ...e, path: e.path === '' ? '(root)' : e.path.replace(/^\(root\)\./, '') }));
}

/** Validates a whole segment definition (id, name, rule). */
export function validateSegmentDefinition(def: unknown): RuleError[] {
  if (!isObj(def)) return [{ path: '(root)', message: 'a segment must be an object with id, name and rule' }];
  const errors: RuleError[] = [];
  if (typeof def.id !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(def.id)) errors.push({ path: 'id', message: 'id must be 1-100 letters, digits, _ . : or -' });
  if (typeof def.name !== 'string' || def.name.trim() === '' || def.name.length > 200) errors.push({ path: 'name', message: 'name must be a non-empty string of at most 200 characters' });
  for (const e of validateSegmentRule(def.rule)) errors.push({ path: e.path === '(root)' ? 'rule' : `rule.${e.path}`, message: e.message });
  return errors;
}
