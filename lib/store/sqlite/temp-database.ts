import { afterEach, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { beginUpload } from './uploads';

/**
 * For tests: a fresh database file for each test, in a folder of its own that goes with it.
 * `open()` opens another connection to the same file, as a second process would; every
 * connection is closed after the test.
 */
export function tempDatabase(prefix: string): { db: () => Db; open: () => Db } {
  let dir: string;
  let connections: Db[] = [];
  const open = () => {
    const db = openDatabase(join(dir, 'console.db'));
    connections.push(db);
    return db;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    open();
  });
  afterEach(() => {
    for (const db of connections) db.close();
    connections = [];
    rmSync(dir, { recursive: true, force: true });
  });
  return { db: () => connections[0]!, open };
}

/** For tests: an upload begun by one process under generous caps, still arriving. */
export function arrivingUpload(db: Db): number {
  const begun = beginUpload(
    db,
    { appId: 'default', sdkAppId: 1, region: 'china', operator: 'ann', fileName: 'f.csv' },
    { owner: { id: 'process-one', pid: 101, host: 'host-a' }, nowMs: 0 },
    { max: 100, stagedSinceMs: 0, readingPerOperator: 100, readingPerProcess: 100, liveSinceMs: 0 },
  );
  if (!begun.ok) throw new Error(begun.refusal);
  return begun.uploadId;
}
