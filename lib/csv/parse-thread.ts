import 'server-only';
import { Worker } from 'node:worker_threads';
import { FROM_SOURCE, fromSource } from '../threads/from-source';
import type { ParseReply, ParseRequest, ParseThreadOptions } from './parse-protocol';
import type { CsvIssue, CsvTally } from './validate';
import type { StagedRows } from '../uploads/types';

/** Chunks handed to the thread and not yet answered: enough to keep it busy, few enough to bound memory. */
const IN_FLIGHT = 2;

export interface ParseThread {
  /** Resolves once the thread has room for more; false once the file is beyond use (stop reading). */
  push(chunk: Uint8Array): Promise<boolean>;
  /** The file ended: resolves with the tally after every row has been handed to `onParsed`. */
  end(): Promise<CsvTally>;
  /** Stops the thread (the request was aborted, or storing failed). */
  abort(): Promise<void>;
}

/**
 * Starts a worker thread that reads one file. `onParsed` gets each chunk's valid rows and
 * invalid rows in file order, one call at a time; the thread is fed no further than IN_FLIGHT
 * chunks ahead of it, so a slow database slows the upload instead of filling memory.
 */
export function startParseThread(
  options: ParseThreadOptions,
  onParsed: (rows: StagedRows, issues: CsvIssue[], bytesRead: number) => Promise<void>,
): ParseThread {
  const worker = FROM_SOURCE
    ? new Worker(fromSource(new URL('./parse-worker.ts', import.meta.url).href), { eval: true, workerData: options })
    : new Worker(new URL('./parse-worker.ts', import.meta.url), { workerData: options });
  let chain: Promise<void> = Promise.resolve();
  let inFlight = 0;
  let more = true;
  let failure: unknown = null;
  let waiting: (() => void) | null = null;
  let finished: ((tally: CsvTally) => void) | null = null;
  let failed: ((err: unknown) => void) | null = null;

  const wake = () => {
    const w = waiting;
    waiting = null;
    w?.();
  };
  const fail = (err: unknown) => {
    failure ??= err;
    more = false;
    wake();
    failed?.(failure);
  };

  worker.on('message', (m: ParseReply) => {
    if (m.type === 'parsed') {
      if (!m.more) more = false;
      chain = chain
        .then(() => (failure ? undefined : onParsed(m.rows, m.issues, m.bytesRead)))
        .then(() => {
          inFlight--;
          wake();
        }, fail);
      return;
    }
    const tally = m.tally;
    chain.then(() => (failure ? failed?.(failure) : finished?.(tally)));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (code !== 0) fail(new Error(`the CSV thread exited with code ${code}`));
  });

  const send = (m: ParseRequest, transfer?: ArrayBuffer[]) => worker.postMessage(m, transfer);

  return {
    async push(chunk) {
      if (failure) throw failure;
      if (!more) return false;
      // A copy: the request's chunks may be views into a buffer Node shares with other requests.
      const bytes = chunk.slice();
      inFlight++;
      send({ type: 'chunk', bytes }, [bytes.buffer as ArrayBuffer]);
      while (inFlight >= IN_FLIGHT && !failure) await new Promise<void>((resolve) => (waiting = resolve));
      if (failure) throw failure;
      return more;
    },
    end() {
      const done = new Promise<CsvTally>((resolve, reject) => {
        finished = resolve;
        failed = reject;
        if (failure) reject(failure);
      });
      send({ type: 'end' });
      return done;
    },
    async abort() {
      more = false;
      await worker.terminate();
    },
  };
}
