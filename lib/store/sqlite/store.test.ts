import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from './store';
import { describeStore } from '../store-contract';

describeStore('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  const store = openSqliteStore(join(dir, 'console.db'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
