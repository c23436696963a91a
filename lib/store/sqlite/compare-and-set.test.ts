import { beforeEach, describe, expect, it } from 'vitest';
import { statement, type Db } from './database';
import { createRun, finishRun, isCancelRequested, requestCancel } from './runs';
import { arrivingUpload, tempDatabase } from './temp-database';
import { completeUpload, discardUpload, startUpload } from './uploads';
import { recordOutcomes } from './batch-writes';
import { createRestoreRun } from './values';

const file = tempDatabase('cas-test-');
let db: Db;
beforeEach(() => {
  db = file.db();
});

/**
 * SQLite's write lock keeps any other writer from landing between a method's read and its
 * compare-and-set; a database with several writers has no such lock. This puts a change exactly
 * there, run by the read the method makes (on the same connection, as a second one would wait for
 * the lock), so the answer the method gives when its write loses is tested here too.
 */
function afterRead(sql: string, change: () => void) {
  const read = statement(db, sql);
  let pending = true;
  const then = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
    const rows = fn(...args);
    if (pending) {
      pending = false;
      change();
    }
    return rows;
  };
  read.get = then(read.get.bind(read));
  read.all = then(read.all.bind(read));
}

const UPLOAD_READ = 'SELECT status, total, attrs, rows_without_attrs FROM runs WHERE id = ?';
const facts = { rowsRead: 2, invalidRows: 0, validRows: 2, rowsWithoutAttrs: 0, hasHeader: false, attrs: ['sex'], attrSets: [], otherAttrSetRows: 0, nowMs: 1 };
const start = (requestKey: string) => ({ picked: [], requestKey, operator: 'ann', kind: 'remove' as const });

function staged(): number {
  const id = arrivingUpload(db);
  // The users as the staging thread stores them.
  statement(db, `INSERT INTO run_users (run_id, seq, user_id, attrs) VALUES (?, 1, 'a', '["sex"]'), (?, 2, 'b', '["sex"]')`).run(id, id);
  completeUpload(db, id, facts, 2);
  return id;
}

describe('a start whose compare-and-set loses to a write after its read', () => {
  it('to a discard: not found, and the upload stays discarded', () => {
    const id = staged();
    afterRead(UPLOAD_READ, () => expect(discardUpload(db, id)).toBe(true));
    expect(startUpload(db, id, start('key-late-0123456789ab'))).toEqual({ ok: false, refusal: 'not-found' });
    expect(statement(db, 'SELECT status, request_key FROM runs WHERE id = ?').get(id)).toEqual({ status: 'discarding', request_key: null });
  });

  it('to a start with the same request key: that run, as existing', () => {
    const id = staged();
    afterRead(UPLOAD_READ, () => expect(startUpload(db, id, start('key-same-0123456789ab'))).toMatchObject({ ok: true, existing: false }));
    expect(startUpload(db, id, start('key-same-0123456789ab'))).toEqual({ ok: true, runId: id, users: 2, existing: true });
  });

  it('to a start with another request key: not staged', () => {
    const id = staged();
    afterRead(UPLOAD_READ, () => expect(startUpload(db, id, start('key-first-0123456789a'))).toMatchObject({ ok: true }));
    expect(startUpload(db, id, start('key-second-012345678'))).toEqual({ ok: false, refusal: 'not-staged' });
    expect(statement(db, 'SELECT request_key FROM runs WHERE id = ?').pluck().get(id)).toBe('key-first-0123456789a');
  });
});

describe('a cancel whose run is closed after its read', () => {
  it('is refused as not running, and the closed run is not marked', () => {
    const { runId } = createRun(db, { source: 'csv', appId: 'default', sdkAppId: 1, region: 'china', operator: 'ann', users: [{ account: 'a', attrs: ['sex'] }] });
    afterRead('SELECT source, status FROM runs WHERE id = ?', () => finishRun(db, runId, { status: 'completed' }));
    expect(requestCancel(db, runId)).toEqual({ ok: false, refusal: 'not-running' });
    expect(isCancelRequested(db, runId)).toBe(false);
  });
});

describe('a restore whose insert comes after another restore was made following its read', () => {
  it('is refused by the index and answers with that restore', () => {
    const { runId } = createRun(db, { source: 'csv', appId: 'default', sdkAppId: 1, region: 'china', operator: 'ann', users: [{ account: 'a', attrs: ['sex'] }] });
    recordOutcomes(db, runId, [{ seq: 1, account: 'a', status: 'removed', attrs: ['sex'], values: { sex: 'f' }, attempts: 1 }], 1);
    finishRun(db, runId, { status: 'completed' });
    let other = 0;
    afterRead("SELECT id, status, removed + skipped AS settled FROM runs WHERE parent_run_id = ? AND kind = 'restore' ORDER BY id", () => {
      const made = createRestoreRun(db, runId, { operator: 'bob' });
      other = made.ok ? made.runId : 0;
    });
    expect(createRestoreRun(db, runId, { operator: 'ann' })).toEqual({ ok: true, runId: other, users: 1, existing: true });
    expect(statement(db, "SELECT COUNT(*) FROM runs WHERE kind = 'restore'").pluck().get()).toBe(1);
  });
});

describe('a run whose request key another writer used after its read', () => {
  it('is that run, as existing, with no second run and no UNIQUE error', () => {
    const form = (ids: string[]) => ({ requestKey: 'key-twice-0123456789a', source: 'form' as const, appId: 'default', sdkAppId: 1, region: 'china', operator: 'ann', users: ids.map((account) => ({ account, attrs: ['sex'] })) });
    let other = 0;
    afterRead('SELECT id, total FROM runs WHERE request_key = ?', () => (other = createRun(db, form(['a'])).runId));
    expect(createRun(db, form(['a', 'b']))).toEqual({ runId: other, existing: true });
    expect(statement(db, 'SELECT COUNT(*) FROM run_users').pluck().get()).toBe(1);
  });
});
