import { freshPostgres } from './test-database';
import { describeStore } from '../store-contract';

describeStore('Postgres', async () => {
  const db = await freshPostgres();
  const store = db.open();
  return {
    store,
    // A second pool on the same database, as a second console process opens it.
    another: async () => db.open(),
    dispose: db.dispose,
  };
});
