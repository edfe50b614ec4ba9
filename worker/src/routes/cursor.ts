import { httpError } from '../middleware/error-handler';

/**
 * Opaque pagination cursors: base64url JSON. Clients pass them back unchanged; a
 * cursor that was tampered with, or made for another listing, is a clear 400.
 */
export function encodeCursor(value: Record<string, unknown>): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes a cursor made by `encodeCursor` and checks it with `valid`; 400 otherwise. */
export function decodeCursor<T>(cursor: string, valid: (v: unknown) => v is T): T {
  let value: unknown;
  try {
    value = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    value = undefined;
  }
  if (!valid(value)) throw httpError(400, 'invalid_cursor', 'The cursor is not one this listing returned; start again without a cursor.');
  return value;
}
