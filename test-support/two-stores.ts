import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openSqliteStore } from '../lib/store';
import type { Store } from '../lib/store/store';

/** Two stores on one fresh SQLite file for each test, as two console processes open it: `env.one` and `env.two`. */
export function twoStoresOnOneFile() {
  const env = { one: undefined as unknown as Store, two: undefined as unknown as Store, dir: '' };
  beforeEach(() => {
    env.dir = mkdtempSync(join(tmpdir(), 'two-stores-'));
    env.one = openSqliteStore(join(env.dir, 'console.db'));
    env.two = openSqliteStore(join(env.dir, 'console.db'));
  });
  afterEach(async () => {
    await env.one.close();
    await env.two.close();
    rmSync(env.dir, { recursive: true, force: true });
  });
  return env;
}
