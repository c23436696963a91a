import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { packRows } from '../../uploads/staged-rows';
import { openSqliteStore } from '../sqlite/store';
import type { Store } from '../store';
import { IllegalTransition } from '../../runs/state-machine';
import { completeUpload } from './uploads';
import { freshPostgres, type FreshPostgres } from './test-database';

let db: FreshPostgres;
let sqliteDir: string;
let sqlite: Store;
beforeEach(async () => {
  db = await freshPostgres();
  sqliteDir = mkdtempSync(join(tmpdir(), 'uploads-vs-'));
  sqlite = openSqliteStore(join(sqliteDir, 'console.db'));
});
afterEach(async () => {
  await db.dispose();
  await sqlite.close();
  rmSync(sqliteDir, { recursive: true, force: true });
});

/** Rows drawn with a fixed seed: users repeated across and within batches, attribute lists in several orders, some rows (those naming none) taking the picked ones. */
function rows(n: number): { account: string; attrs: string[] }[] {
  let seed = 42;
  const next = (k: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % k);
  const lists = [[], ['sex'], ['city'], ['city', 'sex'], ['sex', 'tag', 'city'], ['tag']];
  return Array.from({ length: n }, () => ({ account: `user-${next(n / 3)}`, attrs: lists[next(lists.length)]! }));
}

const facts = (validRows: number) => ({
  rowsRead: validRows,
  invalidRows: 0,
  validRows,
  rowsWithoutAttrs: 1,
  hasHeader: true,
  attrs: ['sex', 'city', 'tag'],
  attrSets: [],
  otherAttrSetRows: 0,
  nowMs: 1_000,
});

it('merges staged rows into the same users, numbered alike, as the SQLite store, whatever the slices it stores them in', async () => {
  const staged = rows(3_000);
  const upload = { appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', fileName: 'f.csv' };
  const cap = { max: 10, stagedSinceMs: 0, readingPerOperator: 10, readingPerProcess: 10, liveSinceMs: 0 };
  const receiver = { owner: { id: 'p', pid: 1, host: 'h' }, nowMs: 1_000 };
  const stage = async (store: Store) => {
    const begun = await store.uploads.begin(upload, receiver, cap);
    if (!begun.ok) throw new Error(begun.refusal);
    for (let i = 0; i < staged.length; i += 250) await store.uploads.addRows(begun.uploadId, i + 1, packRows(staged.slice(i, i + 250)));
    return { id: begun.uploadId };
  };
  const postgres = db.open();
  const [inSqlite, inPostgres] = [await stage(sqlite), await stage(postgres)];
  expect(await postgres.uploads.countRows(inPostgres.id)).toBe(0);

  const pool = db.pool();
  // Seven rows a slice: hundreds of slices, most repeated users with rows in more than one.
  const summary = await completeUpload(pool, inPostgres.id, facts(staged.length), 7);
  expect(summary).toEqual(await sqlite.uploads.complete(inSqlite.id, facts(staged.length)));
  expect(await postgres.uploads.countRows(inPostgres.id)).toBe(await sqlite.uploads.countRows(inSqlite.id));
  const start = { picked: ['pick'], requestKey: 'key-0123456789abcdef', operator: 'ann', kind: 'remove' as const };
  const entry = (users: number) => ({ operator: 'ann', clientIp: null, action: 'run-started' as const, detail: { users } });
  await postgres.uploads.start(inPostgres.id, start, entry);
  await sqlite.uploads.start(inSqlite.id, start, entry);
  const usersOf = async (store: Store, id: number) => (await store.runs.users(id, { limit: 5_000 })).map((u) => [u.seq, u.userId, u.attrs]);
  expect(await usersOf(postgres, inPostgres.id)).toEqual(await usersOf(sqlite, inSqlite.id));
  expect(await db.query("SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'upload_rows%'")).toEqual([{ n: 0 }]);
});

it('throws IllegalTransition for an upload discarded while its users are being stored, and deleteDiscarded leaves nothing of it', async () => {
  const upload = { appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', fileName: 'f.csv' };
  const cap = { max: 10, stagedSinceMs: 0, readingPerOperator: 10, readingPerProcess: 10, liveSinceMs: 0 };
  const postgres = db.open();
  const begun = await postgres.uploads.begin(upload, { owner: { id: 'p', pid: 1, host: 'h' }, nowMs: 1_000 }, cap);
  if (!begun.ok) throw new Error(begun.refusal);
  const staged = rows(3_000);
  await postgres.uploads.addRows(begun.uploadId, 1, packRows(staged));
  const pool = db.pool();
  // Three users a slice: hundreds of transactions, each recording how far it has come.
  const completing = completeUpload(pool, begun.uploadId, facts(staged.length), 3);
  completing.catch(() => {});
  await expect.poll(async () => (await postgres.uploads.inProgress())[0]?.finishing?.done ?? 0).toBeGreaterThan(0);
  expect((await postgres.uploads.inProgress())[0]?.finishing?.total).toBe(staged.length);
  expect(await postgres.uploads.discard(begun.uploadId)).toBe(true);
  await expect(completing).rejects.toBeInstanceOf(IllegalTransition);
  await postgres.uploads.deleteDiscarded(begun.uploadId);
  expect(await postgres.uploads.countRows(begun.uploadId)).toBe(0);
  expect(await db.query("SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'upload_rows%'")).toEqual([{ n: 0 }]);
  expect(await db.query('SELECT count(*)::int AS n FROM runs')).toEqual([{ n: 0 }]);
});
