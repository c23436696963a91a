// A console process starting on a SQLite file, as far as the file is concerned: it opens (and migrates) it, then exits.
// Usage: node --conditions=react-server --import tsx test-support/open-database.ts PATH (lib/store/sqlite/database.test.ts)
import { openSqliteStore } from '../lib/store';

void openSqliteStore(process.argv[2]!).close();
