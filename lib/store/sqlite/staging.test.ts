import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packRows } from '../../uploads/staged-rows';
import { statement, type Db } from './database';
import { Staging } from './staging';
import { groupSlice, SCRATCH_SCHEMA } from './staging-sql';
import { arrivingUpload, tempDatabase } from './temp-database';
import { deleteDiscardedSlice, discardUpload, uploadsInProgress } from './uploads';

const file = tempDatabase('staging-test-');
let db: Db;
let staging: Staging;
beforeEach(() => {
  db = file.db();
  // Parts of three rows and slices of two users, so a handful of rows crosses every boundary.
  staging = new Staging(db.name, { partRows: 3, sliceUsers: 2 });
});
afterEach(() => staging.close());

const arriving = () => arrivingUpload(db);

const row = (account: string, attrs: string[]) => ({ account, attrs });
const usersOf = (id: number) => statement(db, 'SELECT seq, user_id, attrs, with_picked FROM run_users WHERE run_id = ? ORDER BY seq').raw().all(id);
const storedOf = (id: number) => statement(db, 'SELECT COUNT(*) FROM run_users WHERE run_id = ?').pluck().get(id) as number;

describe('staging an upload in a thread', () => {
  it('merges a user across parts sorted apart, stores the users in ID order a slice at a time, and goes on only once each slice is recorded', async () => {
    const id = arriving();
    // Each batch is a part of whichever thread keeps it: b in three parts, a and d in two.
    await staging.append(id, 1, packRows([row('d', ['x']), row('b', ['y']), row('a', ['x'])]));
    await staging.append(id, 4, packRows([row('b', ['x', 'z']), row('c', []), row('e', ['x'])]));
    await staging.append(id, 7, packRows([row('a', []), row('f', ['x']), row('b', ['w', 'y'])]));
    await staging.append(id, 10, packRows([row('d', ['x'])]));
    for (const path of staging.scratchFiles(id)) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(storedOf(id)).toBe(0);

    expect(uploadsInProgress(db)).toMatchObject([{ id, finishing: null }]);
    const seen: { done: number; total: number; stored: number; later: number; shown: unknown }[] = [];
    const outcome = await staging.finish(id, async (done, total) => {
      const stored = storedOf(id);
      // The copier must not store the next slice before this one is answered.
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen.push({ done, total, stored, later: storedOf(id), shown: uploadsInProgress(db)[0]?.finishing });
    });

    expect(outcome).toEqual({ ok: true, users: 6 });
    expect(usersOf(id)).toEqual([
      [1, 'a', '["x"]', 1],
      [2, 'b', '["y","x","z","w"]', 0],
      [3, 'c', '[]', 1],
      [4, 'd', '["x"]', 0],
      [5, 'e', '["x"]', 0],
      [6, 'f', '["x"]', 0],
    ]);
    expect(seen).toEqual([
      { done: 5, total: 10, stored: 2, later: 2, shown: { done: 5, total: 10 } },
      { done: 8, total: 10, stored: 4, later: 4, shown: { done: 8, total: 10 } },
      { done: 10, total: 10, stored: 6, later: 6, shown: { done: 10, total: 10 } },
    ]);
    expect(staging.scratchFiles(id).filter((path) => existsSync(path))).toEqual([]);
  });

  it('stores nothing more once the upload is discarded between two slices, and what it stored goes with the discard', async () => {
    const id = arriving();
    await staging.append(id, 1, packRows([row('a', ['x']), row('b', ['x']), row('c', ['x']), row('d', ['x']), row('e', ['x'])]));
    const outcome = await staging.finish(id, async () => {
      discardUpload(db, id);
    });
    expect(outcome).toEqual({ ok: false, status: 'discarding' });
    expect(storedOf(id)).toBe(2);
    expect(staging.scratchFiles(id).filter((path) => existsSync(path))).toEqual([]);
    while (deleteDiscardedSlice(db, id) === 'more');
    expect(storedOf(id)).toBe(0);
  });

  it('drops the rows of an upload still arriving: its scratch file goes, and another upload is left alone', async () => {
    const [gone, kept] = [arriving(), arriving()];
    await staging.append(gone, 1, packRows([row('a', ['x'])]));
    await staging.append(kept, 1, packRows([row('a', ['x'])]));
    await staging.drop(gone);
    expect(staging.scratchFiles(gone).filter((path) => existsSync(path))).toEqual([]);
    expect(await staging.finish(gone, async () => undefined)).toEqual({ ok: true, users: 0 });
    expect(await staging.finish(kept, async () => undefined)).toEqual({ ok: true, users: 1 });
    expect(usersOf(kept)).toEqual([[1, 'a', '["x"]', 0]]);
  });
});

describe('scratch files left behind', () => {
  it('go as the store opens, but for those of uploads still arriving', async () => {
    const [arrivingId, gone] = [arriving(), arriving()];
    for (const id of [arrivingId, gone]) await staging.append(id, 1, packRows([row('a', ['x'])]));
    expect(discardUpload(db, gone)).toBe(true);
    // A process that stopped mid-way: its threads are gone, its files are not.
    const files = [...staging.scratchFiles(arrivingId), ...staging.scratchFiles(gone)];
    new Staging(db.name).removeLeftovers(new Set(uploadsInProgress(db).map((u) => u.id)));
    expect(files.filter((path) => existsSync(path))).toEqual(staging.scratchFiles(arrivingId));
    expect(await staging.finish(arrivingId)).toEqual({ ok: true, users: 1 });
  });
});

describe('the scratch file’s merge of the parts', () => {
  it('reads the sorted parts merged, sorting nothing, whatever the number of parts', () => {
    const scratch = new Database(':memory:');
    scratch.prepare('ATTACH ? AS own').run(':memory:');
    scratch.exec(SCRATCH_SCHEMA);
    scratch.prepare('ATTACH ? AS other').run(':memory:');
    scratch.exec(SCRATCH_SCHEMA.replaceAll('own.', 'other.'));
    for (const parts of [{ own: 1, other: 0 }, { own: 1, other: 1 }, { own: 5, other: 5 }]) {
      const plan = (scratch.prepare(`EXPLAIN QUERY PLAN ${groupSlice(parts)}`).all({ after: '', limit: 1 }) as { detail: string }[]).map((r) => r.detail);
      expect(plan.filter((d) => /TEMP B-TREE/.test(d)), `${JSON.stringify(parts)}: ${plan.join('; ')}`).toEqual([]);
      expect(plan.filter((d) => /USING PRIMARY KEY \(part=\? AND user_id>\?\)/.test(d))).toHaveLength(parts.own + parts.other);
    }
    scratch.close();
  });
});
