import 'server-only';

/** The one way to open a store: the composition root, the scripts and the tests outside lib/store use these, never the files of one store. */
export { openSqliteStore } from './sqlite/store';
export { openPostgresStore } from './postgres/store';
