import { D1_MIGRATIONS } from './d1-migrations';

let applied: Promise<void> | undefined;

/**
 * Applies pending D1 migrations once per isolate (cheap `IF NOT EXISTS` checks after the
 * first time). Concurrent isolates racing on the same migration are harmless: the
 * statements are idempotent and the record insert is `OR IGNORE`.
 */
export function applyD1Migrations(db: D1Database): Promise<void> {
  applied ??= run(db).catch((err) => {
    applied = undefined;
    throw err;
  });
  return applied;
}

async function run(db: D1Database): Promise<void> {
  await db
    .prepare(
      'CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)',
    )
    .run();
  const { results } = await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>();
  const done = new Set(results.map((r) => r.name));
  for (const m of D1_MIGRATIONS) {
    if (done.has(m.name)) continue;
    const statements = splitStatements(m.sql).map((s) => db.prepare(s));
    statements.push(db.prepare('INSERT OR IGNORE INTO d1_migrations (name) VALUES (?)').bind(m.name));
    await db.batch(statements);
  }
}

/** Splits a migration file into statements (no triggers or string literals with `;` in them). */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
