import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, type Db } from './database';
import { MIGRATIONS } from './migrations';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'migrations-test-'));
  db = new Database(join(dir, 'console.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A database as the last release left it: migrations up to `version` applied. */
function upTo(version: number) {
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const m of MIGRATIONS.filter((x) => x.version <= version)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
  }
}

describe('migration 4', () => {
  it("carries the last 15 minutes' failed sign-ins over from the audit log, so a lockout survives the upgrade", () => {
    upTo(3);
    const now = Date.now();
    const failed = db.prepare("INSERT INTO audit_log (at, at_ms, action, operator, client_ip) VALUES ('', ?, ?, 'alice', '10.0.0.1')");
    failed.run(now - 60_000, 'sign-in-failed');
    failed.run(now - 20 * 60_000, 'sign-in-failed');
    failed.run(now - 60_000, 'sign-in');
    migrate(db);
    expect(db.prepare('SELECT username, client_ip, state FROM sign_in_attempts').all()).toEqual([{ username: 'alice', client_ip: '10.0.0.1', state: 'failed' }]);
  });

  it('gives open sessions their real start time in ms', () => {
    upTo(3);
    db.prepare("INSERT INTO operators (username, password_hash, role, created_at, updated_at) VALUES ('alice', 'x', 'admin', '', '')").run();
    db.prepare("INSERT INTO sessions (token_hash, operator_id, created_at, last_seen_ms) VALUES ('t', 1, '2026-03-01T10:20:30.456Z', 0)").run();
    migrate(db);
    expect(db.prepare('SELECT created_ms FROM sessions').pluck().get()).toBe(Date.parse('2026-03-01T10:20:30.456Z'));
  });
});
