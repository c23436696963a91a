// A process that competes for the worker lease of a SQLite file, for the lease tests: it prints one
// JSON line each time its view changes and renews every HEARTBEAT_MS, like the console's worker.
import { HEARTBEAT_MS, thisProcess } from '../lib/lease/lease';
import { openSqliteStore } from '../lib/store';

const store = openSqliteStore(process.argv[2]!);
const me = thisProcess();
let last = '';
const beat = async () => {
  const attempt = await store.lease.acquire(me);
  const line = JSON.stringify(attempt.ok ? { pid: me.pid, role: 'writer' } : { pid: me.pid, role: 'standby', holderPid: attempt.holder.pid });
  if (line !== last) console.log((last = line));
};
void beat();
setInterval(beat, Number(process.env.LEASE_POLL_MS ?? HEARTBEAT_MS));
