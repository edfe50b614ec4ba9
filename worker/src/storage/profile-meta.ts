/**
 * A profile object's `meta` table (key -> text), read on every ingest and so kept in
 * memory, written through. A write drops its key from memory before writing: if a
 * surrounding transaction rolls back, the next read goes to SQLite. After a rollback or
 * a wipe of the object's storage, `forget()` drops everything kept.
 */
export class ProfileMeta {
  private readonly cache = new Map<string, string | undefined>();

  constructor(private readonly sql: SqlStorage) {}

  get(key: string): string | undefined {
    if (this.cache.has(key)) return this.cache.get(key);
    const value = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value;
    this.cache.set(key, value);
    return value;
  }

  set(key: string, value: string): void {
    this.cache.delete(key);
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }

  forget(): void {
    this.cache.clear();
  }
}
