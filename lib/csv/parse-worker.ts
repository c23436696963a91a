// The CSV pass of one upload, in a worker thread so that reading a 1 GiB file never holds the
// console's event loop. It only reads and validates: the rows go back to the main thread, the
// database's one writer. Every chunk is answered, so the sender can keep a bounded number in flight.
import { parentPort, workerData } from 'node:worker_threads';
import { CsvPass } from './parse';
import type { CsvIssue } from './validate';
import type { ParsedMessage, ParseRequest, ParseThreadOptions } from './parse-protocol';
import { StagedRowsPacker } from '../uploads/staged-rows';

const options = workerData as ParseThreadOptions;
const port = parentPort!;
const rows = new StagedRowsPacker();
let issues: CsvIssue[] = [];
let issuesSent = 0;
let more = true;

const pass = new CsvPass({
  knownAttrs: options.knownAttrs,
  maxRows: options.maxRows,
  maxBytes: options.maxBytes,
  keepIssues: options.issuesShown,
  onRow: (r) => rows.add(r.account, r.attrs),
  onIssue: (i) => {
    if (issuesSent++ < options.issuesKept) issues.push(i);
  },
});

function answer(): void {
  const message: ParsedMessage = { type: 'parsed', rows: rows.take(), issues, more, bytesRead: pass.bytesRead };
  port.postMessage(message, [message.rows.listOf.buffer as ArrayBuffer]);
  issues = [];
}

port.on('message', (m: ParseRequest) => {
  if (m.type === 'chunk') {
    if (more) more = pass.push(m.bytes);
    answer();
    return;
  }
  const tally = pass.end();
  answer();
  port.postMessage({ type: 'done', tally });
  port.close();
});
