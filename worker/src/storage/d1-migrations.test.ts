import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitStatements } from './apply-d1-migrations';
import { D1_MIGRATIONS } from './d1-migrations';

const dir = fileURLToPath(new URL('../../migrations/', import.meta.url));

describe('D1 migrations', () => {
  it('the worker applies exactly the files in worker/migrations, in order, verbatim', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
    expect(D1_MIGRATIONS.map((m) => m.name)).toEqual(files);
    for (const m of D1_MIGRATIONS) expect(m.sql, m.name).toBe(readFileSync(dir + m.name, 'utf8'));
  });

  it('splits files into statements without comments', () => {
    for (const m of D1_MIGRATIONS) {
      for (const s of splitStatements(m.sql)) {
        expect(s).toMatch(/^(CREATE|ALTER|INSERT|DROP|UPDATE|DELETE)\b/);
        expect(s).not.toMatch(/^--/m);
      }
    }
  });
});
