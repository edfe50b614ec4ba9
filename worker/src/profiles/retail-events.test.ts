import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readRetailRows } from './retail-events.mjs';

describe('readRetailRows', () => {
  it('a missing data file rejects at once, naming the path (the seed and tests never hang on it)', async () => {
    await expect(readRetailRows('/nonexistent/online-retail.csv.gz')).rejects.toThrow(/\/nonexistent\/online-retail\.csv\.gz: ENOENT/);
  });

  it('a file that is not gzip rejects with the reason', async () => {
    const notGzip = fileURLToPath(new URL('./retail-events.mjs', import.meta.url));
    await expect(readRetailRows(notGzip)).rejects.toThrow(/retail-events\.mjs: incorrect header check/);
  });
});
