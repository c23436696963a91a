import 'server-only';
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { log } from '../../log';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/**
 * The file holds password hashes, the attribute values removals kept and the audit log: only the
 * console's own user may read it. SQLite gives the -wal and -shm it creates the database file's mode.
 */
const FILE_MODE = 0o600;
/** Only for a folder the console creates itself: one chosen by the operator keeps its mode. */
const DIR_MODE = 0o700;

export function openDatabase(path: string): Db {
  const onDisk = path !== ':memory:';
  if (onDisk) {
    mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE });
    createPrivate(path);
    tighten(path);
  }
  const db = new Database(path);
  // WAL lets the history pages read while a run writes; NORMAL is durable across process crashes.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 32 MB of pages (the default is 2): staging ten million users inserts into an index far larger than that.
  db.pragma('cache_size = -32768');
  migrate(db);
  // Left behind by a process that died, perhaps one from before files were made private.
  if (onDisk) for (const side of [`${path}-wal`, `${path}-shm`]) tighten(side);
  return db;
}

/** Created with its mode rather than chmod-ed afterwards, so it is never readable by others, even for a moment. */
export function createPrivate(path: string): void {
  try {
    closeSync(openSync(path, 'wx', FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** A file more open than FILE_MODE (a database made by an earlier version, say) loses its group and other bits. */
function tighten(path: string): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return;
  }
  if ((mode & ~FILE_MODE) === 0) return;
  const to = mode & FILE_MODE;
  try {
    chmodSync(path, to);
    log.warn('database.mode-tightened', { path, from: mode.toString(8), to: to.toString(8) });
  } catch (err) {
    log.error('database.mode-open', { path, mode: mode.toString(8), error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Applies what the file lacks. Two processes may start on a new file at once: each migration is
 * looked up again inside its own IMMEDIATE transaction, so the one that waited for the other's
 * write finds it applied and skips it, instead of running it a second time and failing.
 */
export function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  for (const m of MIGRATIONS) {
    if (isApplied.get(m.version)) continue;
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    // Outside the transaction: SQLite ignores this pragma inside one.
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        if (isApplied.get(m.version)) return;
        db.exec(m.sql);
        if (m.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration ${m.version} would leave ${broken.length} broken references`);
        }
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          new Date().toISOString(),
        );
      }).immediate();
    } finally {
      if (m.rebuildsTables) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  }
}

export { statement } from './statements';
