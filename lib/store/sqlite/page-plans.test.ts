import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Db } from './database';
import { run } from '../contract/fixtures';
import { createRetryRun, createRun, finishRun } from './runs';
import { listRunUsers } from './users-results';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'page-plans-test-'));
  db = openDatabase(join(dir, 'console.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The connection, with every statement on run_users that reads or writes kept with its arguments. */
function recording(of: Db) {
  const reads: { sql: string; args: unknown[] }[] = [];
  const bound = <T extends object>(target: T, p: string | symbol) => {
    const v = Reflect.get(target, p) as unknown;
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
  };
  const touches = (sql: string) => /(FROM|UPDATE) run_users\b/.test(sql);
  const watched = (sql: string, stmt: ReturnType<Db['prepare']>): typeof stmt => {
    const proxy: typeof stmt = new Proxy(stmt, {
      get: (target, q) => {
        if (q === 'pluck') return (...a: unknown[]) => ((target.pluck as (...x: unknown[]) => unknown)(...a), proxy);
        if (q !== 'all' && q !== 'get' && q !== 'run') return bound(target, q);
        return (...args: unknown[]) => (reads.push({ sql, args }), (target[q] as (...x: unknown[]) => unknown)(...args));
      },
    });
    return proxy;
  };
  const conn = new Proxy(of, {
    get: (target, p) => (p !== 'prepare' ? bound(target, p) : (sql: string) => (touches(sql) ? watched(sql, target.prepare(sql)) : target.prepare(sql))),
  });
  return { conn, reads };
}

// With no statistics, SQLite read a filtered page through the primary key in seq order and dropped
// what did not match: every user of a million-user run for the few that failed at its end, about
// 100 ms of the main thread per page. Each filter's page must come through the index that holds
// its users in seq order.
it('reads a filtered page of a run through the index of its filter, not the whole run in order', () => {
  const { runId } = createRun(db, run(Array.from({ length: 2000 }, (_, i) => `u${i + 1}`)));
  db.prepare("UPDATE run_users SET result = CASE WHEN seq > 1990 THEN 'failed' ELSE 'removed' END, error_key = CASE WHEN seq > 1990 THEN 'tim.70107' END WHERE run_id = ?").run(runId);
  const { conn, reads } = recording(db);
  expect(listRunUsers(conn, runId, { limit: 50, filter: { result: 'failed' } })).toHaveLength(10);
  expect(listRunUsers(conn, runId, { limit: 50, filter: { errorKey: 'tim.70107' } })).toHaveLength(10);
  expect(listRunUsers(conn, runId, { limit: 50, filter: { result: 'failed', errorKey: 'tim.70107' } })).toHaveLength(10);
  expect(listRunUsers(conn, runId, { limit: 50, filter: { userId: 'u1999' } }).map((u) => u.seq)).toEqual([1999]);
  expect(listRunUsers(conn, runId, { afterSeq: 1900, limit: 50 }).map((u) => u.seq)[0]).toBe(1901);
  const plans = reads.map(({ sql, args }) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('; '));
  expect(plans).toEqual([
    'SEARCH run_users USING INDEX run_users_by_result (run_id=? AND result=? AND seq>?)',
    'SEARCH run_users USING INDEX run_users_by_error (run_id=? AND error_key=? AND seq>?)',
    'SEARCH run_users USING INDEX run_users_by_error (run_id=? AND error_key=? AND seq>?)',
    'SEARCH run_users USING INDEX run_users_by_user (user_id=? AND run_id=? AND seq>?)',
    'SEARCH run_users USING PRIMARY KEY (run_id=? AND seq>?)',
  ]);
});

// Closing a run marks its users still pending "not sent". Through the primary key that read every
// user of the run, even when none was pending: 134 ms of the main thread at a million users on a
// quiet machine, 478 ms in the bench, just as the run completed.
it('closes a run reading only its users still pending, through the index of results', () => {
  const { runId } = createRun(db, run(Array.from({ length: 2000 }, (_, i) => `u${i + 1}`)));
  db.prepare("UPDATE run_users SET result = CASE WHEN seq > 1990 THEN 'pending' ELSE 'removed' END WHERE run_id = ?").run(runId);
  const { conn, reads } = recording(db);
  expect(finishRun(conn, runId, { status: 'cancelled' })).toBe('cancelled');
  expect(db.prepare('SELECT not_sent FROM runs WHERE id = ?').pluck().get(runId)).toBe(10);
  const plans = reads.map(({ sql, args }) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('; '));
  expect(plans).toEqual(['SEARCH run_users USING INDEX run_users_by_result (run_id=? AND result=?)']);
});

// A retry selects the users failed with a retried reason or never sent: through the primary key
// that read every user of the run, 144 ms of a request at a million users.
it('starts a retry reading only the failed and unsent users of its run', () => {
  const { runId } = createRun(db, run(Array.from({ length: 2000 }, (_, i) => `u${i + 1}`)));
  db.prepare("UPDATE run_users SET result = CASE WHEN seq > 1995 THEN 'not_sent' WHEN seq > 1990 THEN 'failed' ELSE 'removed' END, error_key = CASE WHEN seq BETWEEN 1991 AND 1995 THEN 'tim.70107' END WHERE run_id = ?").run(runId);
  finishRun(db, runId, { status: 'completed' });
  const { conn, reads } = recording(db);
  expect(createRetryRun(conn, runId, ['tim.70107'], { operator: null })).toMatchObject({ ok: true, users: 10 });
  const plans = reads.map(({ sql, args }) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).filter((d) => d.includes('run_users')));
  expect(plans).toEqual([
    ['SEARCH run_users USING INDEX run_users_by_result (run_id=? AND result=?)'],
    ['SEARCH run_users USING INDEX run_users_by_result (run_id=? AND result=?)'],
  ]);
});
