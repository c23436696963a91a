// No `import 'server-only'` here, unlike the store's other files: the writer thread (writer-worker.ts)
// prepares its statements through it too, and in Node that package is its client variant and throws.
import type Database from 'better-sqlite3';

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * Prepared statements, compiled once per connection. A run records ~100 batches a second, and a
 * statement prepared per call holds native memory until the JS garbage collector gets round to it.
 */
export function statement(db: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}
