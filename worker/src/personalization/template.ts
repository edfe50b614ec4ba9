/**
 * Banner text templates: `Hi {{traits.firstName | default: "there"}}!`.
 *
 * Placeholders name fields from an allow-list (`PLACEHOLDER_FIELDS`); the only filter is
 * `default: "text"`. Rendering is one pass over the template: a value is inserted as
 * plain text and never parsed again, so a trait holding `{{...}}` or markup stays
 * literal, and lookups walk own properties of plain data only (no prototype access).
 */

/** Fields a template may read. `recommendations.N.name` for N = 0..2. */
export const PLACEHOLDER_FIELDS: readonly string[] = [
  'traits.firstName',
  'traits.lastName',
  'traits.name',
  'traits.username',
  'traits.title',
  'traits.company.name',
  'traits.address.city',
  'traits.address.state',
  'traits.address.country',
  'location.city',
  'location.region',
  'location.country',
  'interests.category',
  'interests.brand',
  'cart.items',
  'cart.topItem',
  'recommendations.0.name',
  'recommendations.1.name',
  'recommendations.2.name',
];

/** Longest text a single placeholder inserts; longer values are cut with an ellipsis. */
export const MAX_PLACEHOLDER_VALUE = 120;

/**
 * The portrait data a template reads, already reduced to allow-listed fields (see
 * `templateDataFromProfile`). Plain JSON.
 */
export type TemplateData = Record<string, unknown>;

type Part = string | { path: string; fallback: string };

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
const INNER = /^\s*([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*)\s*(?:\|\s*default\s*:\s*"((?:[^"\\{}]|\\["\\])*)"\s*)?$/;

/**
 * Parse a template into literal text and placeholders, or explain what is wrong.
 *
 * @example parseTemplate('Hi {{traits.firstName | default: "there"}}')
 * // => { parts: ['Hi ', { path: 'traits.firstName', fallback: 'there' }] }
 */
export function parseTemplate(
  template: string,
  allowed: readonly string[] = PLACEHOLDER_FIELDS,
): { parts: Part[]; error?: undefined } | { parts?: undefined; error: string } {
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const literal = template.slice(last, m.index);
    if (literal.includes('{{') || literal.includes('}}')) return { error: 'has an unbalanced "{{" or "}}"' };
    if (literal) parts.push(literal);
    const inner = INNER.exec(m[1]);
    if (!inner) {
      return {
        error: `placeholder "{{${m[1].slice(0, 60)}}}" is not supported; write {{field}} or {{field | default: "text"}} with a field from the allow-list`,
      };
    }
    if (!allowed.includes(inner[1])) {
      return { error: `unknown placeholder "${inner[1]}"; allowed: ${allowed.join(', ')}` };
    }
    parts.push({ path: inner[1], fallback: (inner[2] ?? '').replace(/\\(["\\])/g, '$1') });
    last = m.index + m[0].length;
  }
  const tail = template.slice(last);
  if (tail.includes('{{') || tail.includes('}}')) return { error: 'has an unbalanced "{{" or "}}"' };
  if (tail) parts.push(tail);
  return { parts };
}

/**
 * Resolve a template against portrait data to plain text. Templates are validated when
 * saved; an invalid one here (stored before the allow-list shrank) renders its literal
 * text with placeholders removed rather than failing the page.
 *
 * @example renderTemplate('Hi {{traits.firstName | default: "there"}}', { traits: {} }) // => 'Hi there'
 */
export function renderTemplate(template: string, data: TemplateData, allowed: readonly string[] = PLACEHOLDER_FIELDS): string {
  const parsed = parseTemplate(template, allowed);
  if (!parsed.parts) return template.replace(PLACEHOLDER, '');
  let out = '';
  for (const part of parsed.parts) {
    if (typeof part === 'string') out += part;
    else out += textOf(lookup(data, part.path)) ?? part.fallback;
  }
  return out;
}

/** Own-property walk through plain objects and arrays only. */
function lookup(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const proto = Object.getPrototypeOf(cur);
    if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function textOf(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return undefined;
  if (!text) return undefined;
  // Control characters would only confuse screen readers and logs.
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return text.length > MAX_PLACEHOLDER_VALUE ? `${text.slice(0, MAX_PLACEHOLDER_VALUE - 1)}…` : text;
}
