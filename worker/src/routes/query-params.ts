import { httpError } from '../middleware/error-handler';

/** An integer query parameter within [min, max], or the default when absent; 400 otherwise. */
export function intParam(raw: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw httpError(400, 'invalid_parameter', `${name} must be an integer from ${min} to ${max}.`);
  return n;
}

/** A finite number, or undefined when absent; 400 otherwise. */
export function numberParam(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw httpError(400, 'invalid_parameter', `${name} must be a number.`);
  return n;
}

/** An instant as ISO-8601 or epoch milliseconds, as epoch ms; 400 otherwise. */
export function timeParam(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(n)) throw httpError(400, 'invalid_parameter', `${name} must be an ISO-8601 time or epoch milliseconds.`);
  return n;
}

/** One of `allowed`, or the default; 400 with the allowed values otherwise. */
export function enumParam<T extends string>(raw: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw httpError(400, 'invalid_parameter', `${name} must be one of: ${allowed.join(', ')}.`);
  return raw as T;
}

/** Comma-separated values (repeated parameters are joined too), trimmed, empty ones dropped. */
export function listParam(raw: string[] | undefined): string[] | undefined {
  if (!raw || raw.length === 0) return undefined;
  const out = raw.flatMap((r) => r.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  return out.length ? out : undefined;
}
