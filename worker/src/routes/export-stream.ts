import type { ProfileListItem } from '../storage/profile-index';

export type ExportFormat = 'ndjson' | 'csv';

export const CSV_COLUMNS = [
  'id', 'userId', 'email', 'name', 'country', 'firstSeen', 'lastSeen', 'orders', 'revenue', 'rfmSegment', 'eventCount', 'anonymousIds',
] as const;

/**
 * One CSV cell (RFC 4180 quoting). Text starting with `=`, `+`, `-`, `@`, tab or CR is
 * prefixed with `'` so a spreadsheet never runs a visitor-supplied trait as a formula.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = Array.isArray(value) ? value.join(' ') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(item: ProfileListItem): string {
  return `${CSV_COLUMNS.map((c) => csvCell(item[c])).join(',')}\r\n`;
}

/**
 * Streams pages of profiles as NDJSON or CSV, pulling the next page only when the
 * client has read the previous one: memory stays at one page whatever the export size.
 */
export function exportStream(pages: AsyncGenerator<ProfileListItem[]>, format: ExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (format === 'csv' && !headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\r\n`));
        return;
      }
      try {
        const next = await pages.next();
        if (next.done) {
          controller.close();
          return;
        }
        const text = next.value.map((item) => (format === 'csv' ? csvRow(item) : `${JSON.stringify(item)}\n`)).join('');
        controller.enqueue(encoder.encode(text));
      } catch (err) {
        console.error('portrait: export failed mid-stream', err);
        controller.error(err);
      }
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}
