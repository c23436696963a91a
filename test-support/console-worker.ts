// A console process without its HTTP server, for the takeover test: the start-up server.ts runs
// (lib/entry/startup.ts: configuration from the environment, the store, the JobWorker, the
// chores) and its SIGTERM path (lib/entry/shutdown.ts, exit code 143), so it sends exactly as a
// console process does. Next.js is left out only because building it would take minutes.
// Usage: node --conditions=react-server --import tsx test-support/console-worker.ts
import { startServer } from '../lib/entry/startup';
import { SHUTDOWN_BOUND_MS, shutDown } from '../lib/entry/shutdown';
import { limitHeapGrowth } from '../lib/entry/heap-growth';

limitHeapGrowth();

process.once('SIGTERM', () => void shutDown(SHUTDOWN_BOUND_MS).finally(() => process.exit(143)));
void startServer();
// The worker's timers do not keep a process alive (the HTTP server does, in server.ts): this does.
setInterval(() => {}, 60_000);
