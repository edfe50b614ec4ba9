import { IngestError } from './ingest-error';

/**
 * Parses a JSON request body, read as text by `readTextCapped`. `JSON.parse` defines
 * `__proto__` as a plain own property (it never calls the prototype setter), and the
 * sanitizer drops such keys before anything copies the data, so nothing here can reach a
 * prototype.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) {
    throw new IngestError(400, 'empty_body', 'Request body is empty; send a JSON event or a {"batch": [...]} object.');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new IngestError(400, 'invalid_json', `Request body is not valid JSON (${detail}).`);
  }
}
