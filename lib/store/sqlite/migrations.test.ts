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

describe('migration 7', () => {
  function oldRun() {
    upTo(6);
    db.prepare(
      "INSERT INTO runs (created_at, source, sdkappid, region, attrs, status, total, file_name, request_key, app_id) VALUES ('t', 'csv', 1400000000, 'china', '[\"tag\"]', 'completed', 1, 'a.csv', 'k1', 'prod')",
    ).run();
    db.prepare("INSERT INTO run_users (run_id, seq, user_id, attrs, result) VALUES (1, 1, 'alice', '[\"tag\"]', 'removed')").run();
    db.pragma('foreign_keys = ON');
    migrate(db);
  }

  it('rebuilds runs for the upload statuses and keeps every run, user and reference', () => {
    oldRun();
    expect(db.prepare('SELECT id, status, file_name, request_key, app_id FROM runs').all()).toEqual([
      { id: 1, status: 'completed', file_name: 'a.csv', request_key: 'k1', app_id: 'prod' },
    ]);
    expect(db.prepare('SELECT user_id, with_picked FROM run_users').all()).toEqual([{ user_id: 'alice', with_picked: 0 }]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(() => db.prepare("INSERT INTO run_users (run_id, seq, user_id, attrs) VALUES (99, 1, 'bob', '[]')").run()).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO runs (created_at, source, sdkappid, region, attrs, status, total) VALUES ('t', 'csv', 1, 'china', '[]', 'staged', 0)").run();
    expect(() => db.prepare("INSERT INTO runs (created_at, source, sdkappid, region, attrs, status, total) VALUES ('t', 'csv', 1, 'china', '[]', 'parked', 0)").run()).toThrow(/CHECK/);
  });

  it('holds one row per user and run', () => {
    oldRun();
    expect(() => db.prepare("INSERT INTO run_users (run_id, seq, user_id, attrs) VALUES (1, 2, 'alice', '[]')").run()).toThrow(/UNIQUE/);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('runs_status', 'runs_request_key', 'runs_by_app', 'run_users_by_user')").pluck().get()).toBe(4);
  });
});

describe('migration 8', () => {
  it("counts every run's failed users per reason from the rows already there", () => {
    upTo(7);
    db.prepare("INSERT INTO runs (created_at, source, sdkappid, region, attrs, status, total) VALUES ('t', 'csv', 1, 'china', '[]', 'completed', 4)").run();
    const user = db.prepare("INSERT INTO run_users (run_id, seq, user_id, attrs, result, error_key, error_code, error_info) VALUES (1, ?, ?, '[]', ?, ?, ?, ?)");
    user.run(1, 'a', 'failed', '70107', 70107, 'no such user');
    user.run(2, 'b', 'failed', '70107', 70107, 'no such user');
    user.run(3, 'c', 'failed', 'transport.timeout', null, null);
    user.run(4, 'd', 'removed', null, null, null);
    migrate(db);
    expect(db.prepare('SELECT error_key, error_code, info, count FROM run_failures ORDER BY error_key').all()).toEqual([
      { error_key: '70107', error_code: 70107, info: 'no such user', count: 2 },
      { error_key: 'transport.timeout', error_code: null, info: '', count: 1 },
    ]);
  });
});

describe('migration 12', () => {
  it('rebuilds runs for uploads being discarded, keeping every run, user, reference and index', () => {
    upTo(11);
    const insert = db.prepare(
      "INSERT INTO runs (created_at, source, kind, sdkappid, region, attrs, status, total, parent_run_id, copy_from, copied_upto, staged_ms, request_key) VALUES ('t', 'csv', ?, 1, 'china', '[]', ?, 1, ?, ?, ?, ?, ?)",
    );
    insert.run('check', 'completed', null, null, 0, 5, 'k1');
    insert.run('remove', 'running', 1, 1, 7, null, null);
    db.prepare("INSERT INTO run_users (run_id, seq, user_id, attrs) VALUES (1, 1, 'alice', '[]')").run();
    db.pragma('foreign_keys = ON');
    migrate(db);
    expect(db.prepare('SELECT id, kind, status, parent_run_id, copy_from, copied_upto, staged_ms, request_key FROM runs ORDER BY id').all()).toEqual([
      { id: 1, kind: 'check', status: 'completed', parent_run_id: null, copy_from: null, copied_upto: 0, staged_ms: 5, request_key: 'k1' },
      { id: 2, kind: 'remove', status: 'running', parent_run_id: 1, copy_from: 1, copied_upto: 7, staged_ms: null, request_key: null },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(() => db.prepare("INSERT INTO run_users (run_id, seq, user_id, attrs) VALUES (99, 1, 'bob', '[]')").run()).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO runs (created_at, source, sdkappid, region, attrs, status, total) VALUES ('t', 'csv', 1, 'china', '[]', 'discarding', 0)").run();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs'").pluck().all()).toEqual(
      expect.arrayContaining(['runs_by_app', 'runs_by_parent', 'runs_request_key', 'runs_status']),
    );
  });
});

describe('migration 13', () => {
  it('holds one running removal per dry run, whoever writes it; finished ones and other kinds do not count', () => {
    upTo(12);
    migrate(db);
    const insert = db.prepare("INSERT INTO runs (created_at, source, kind, sdkappid, region, attrs, status, total, parent_run_id) VALUES ('t', 'csv', ?, 1, 'china', '[]', ?, 1, ?)");
    insert.run('check', 'completed', null);
    insert.run('remove', 'running', 1);
    expect(() => insert.run('remove', 'running', 1)).toThrow(/UNIQUE constraint failed: runs\.parent_run_id/);
    insert.run('remove', 'completed', 1);
    insert.run('check', 'running', 1);
    insert.run('remove', 'running', null);
    insert.run('remove', 'running', null);
    expect(db.prepare("SELECT COUNT(*) FROM runs WHERE parent_run_id = 1 AND kind = 'remove' AND status = 'running'").pluck().get()).toBe(1);
  });
});

describe('migration 14', () => {
  it('keeps every user row with its values, and takes the new nothing-to-remove result and counter', () => {
    upTo(13);
    db.prepare("INSERT INTO runs (created_at, source, kind, sdkappid, region, attrs, status, total, removed, with_values) VALUES ('t', 'csv', 'remove', 1, 'china', '[]', 'completed', 2, 2, 1)").run();
    const user = db.prepare('INSERT INTO run_users (run_id, seq, user_id, attrs, result, attr_values) VALUES (1, ?, ?, ?, ?, ?)');
    user.run(1, 'alice', '["city"]', 'removed', '{"city":"sz"}');
    user.run(2, 'bob', '["city"]', 'removed', null);
    expect(() => user.run(3, 'carol', '["city"]', 'nothing_to_remove', null)).toThrow(/CHECK constraint failed/);
    migrate(db);
    user.run(3, 'carol', '["city"]', 'nothing_to_remove', null);
    expect(db.prepare('SELECT user_id, result, attr_values FROM run_users ORDER BY seq').all()).toEqual([
      { user_id: 'alice', result: 'removed', attr_values: '{"city":"sz"}' },
      { user_id: 'bob', result: 'removed', attr_values: null },
      { user_id: 'carol', result: 'nothing_to_remove', attr_values: null },
    ]);
    expect(db.prepare('SELECT removed, nothing_to_remove FROM runs').get()).toEqual({ removed: 2, nothing_to_remove: 0 });
    expect(() => user.run(4, 'dave', '[]', 'gone', null)).toThrow(/CHECK constraint failed/);
  });
});

describe('migration 16', () => {
  it('holds one running run of each kind after one run, whoever writes it: a retry, a removal from a dry run, a restore', () => {
    upTo(15);
    const insert = db.prepare("INSERT INTO runs (created_at, source, kind, sdkappid, region, attrs, status, total, parent_run_id) VALUES ('t', ?, ?, 1, 'china', '[]', ?, 1, ?)");
    insert.run('csv', 'check', 'completed', null);
    insert.run('csv', 'remove', 'completed', 1);
    insert.run('retry', 'check', 'running', 1);
    insert.run('retry', 'remove', 'running', 2);
    insert.run('restore', 'restore', 'running', 2);
    // Before: a retry of a dry run or a restore could be written twice.
    insert.run('retry', 'check', 'running', 1);
    db.prepare("UPDATE runs SET status = 'cancelled' WHERE id = 6").run();
    insert.run('restore', 'restore', 'running', 2);
    db.prepare("UPDATE runs SET status = 'cancelled' WHERE id = 7").run();
    migrate(db);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'runs_one_%'").pluck().all()).toEqual(['runs_one_running_child_per_kind']);
    const conflict = /UNIQUE constraint failed: runs\.parent_run_id, runs\.kind/;
    expect(() => insert.run('retry', 'check', 'running', 1)).toThrow(conflict);
    expect(() => insert.run('csv', 'remove', 'running', 1)).not.toThrow();
    expect(() => insert.run('csv', 'remove', 'running', 1)).toThrow(conflict);
    expect(() => insert.run('retry', 'remove', 'running', 2)).toThrow(conflict);
    expect(() => insert.run('restore', 'restore', 'running', 2)).toThrow(conflict);
    insert.run('restore', 'restore', 'completed', 2);
    insert.run('csv', 'remove', 'running', null);
    insert.run('csv', 'remove', 'running', null);
  });
});

describe('migration 17', () => {
  it('leaves an upload still arriving from before without an owner or a heartbeat, and starts every run with no recorded pace', () => {
    upTo(15);
    db.prepare("INSERT INTO runs (created_at, source, sdkappid, region, attrs, status, total, operator) VALUES ('t', 'csv', 1, 'china', '[]', 'uploading', 0, 'ann')").run();
    migrate(db);
    expect(db.prepare('SELECT status, upload_owner, upload_owner_pid, upload_owner_host, upload_heartbeat_ms FROM runs').get()).toEqual({
      status: 'uploading',
      upload_owner: null,
      upload_owner_pid: null,
      upload_owner_host: null,
      upload_heartbeat_ms: null,
    });
    expect(db.prepare('SELECT COUNT(*) FROM run_progress').pluck().get()).toBe(0);
  });
});
