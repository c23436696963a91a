import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from './store';
import { describeStore } from '../store-contract';

describeStore('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  const path = join(dir, 'console.db');
  const opened = [openSqliteStore(path)];
  return {
    store: opened[0]!,
    // Another connection to the same file, as a second console process opens it.
    another: async () => opened[opened.push(openSqliteStore(path)) - 1]!,
    dispose: async () => {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
