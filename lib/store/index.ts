import 'server-only';

/** The one way to open the store: the composition root, the scripts and the tests outside lib/store use this, never the SQLite files. */
export { openSqliteStore } from './sqlite/store';
