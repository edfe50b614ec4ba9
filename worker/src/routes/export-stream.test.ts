import { describe, expect, it } from 'vitest';
import { csvCell, exportStream } from './export-stream';

describe('csvCell', () => {
  it('quotes per RFC 4180 and never lets a spreadsheet run a formula', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(['a', 'b'])).toBe('a b');
  });
});

describe('exportStream', () => {
  it('pulls one page at a time and stops asking when the reader cancels', async () => {
    let pulled = 0;
    async function* pages() {
      for (let p = 0; p < 100; p++) {
        pulled++;
        yield [{ id: `p${p}`, userId: null, anonymousIds: [], email: null, name: null, country: null, firstSeen: null, lastSeen: null, orders: 0, revenue: 0, rfmSegment: null, eventCount: 0 }];
      }
    }
    const reader = exportStream(pages(), 'ndjson').getReader();
    const first = await reader.read();
    expect(JSON.parse(new TextDecoder().decode(first.value)).id).toBe('p0');
    await reader.cancel();
    expect(pulled).toBeLessThanOrEqual(2);
  });
});
