import 'server-only';
import { mkdirSync, rmSync } from 'node:fs';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { StagedRow } from '../../uploads/types';
import { createPrivate } from './database';
import type { CopierReply, CopierRequest, StagerReply, StagerRequest, StagingThreadOptions } from './staging-protocol';

/** How the staging threads cut their work; tests make both small. */
export interface StagingSizes {
  /** Rows sorted together while a file arrives: a part's sort holds about this many rows in memory and scratch pages. */
  partRows: number;
  /** Users stored per slice at the end: tens of milliseconds of the database's write lock each. */
  sliceUsers: number;
}

const SIZES: StagingSizes = { partRows: 1_000_000, sliceUsers: 20_000 };
/** Batches handed to a thread and not yet stored: enough to keep it busy, few enough to bound memory. */
const IN_FLIGHT = 2;
/** Only the console's own user may read the rows of an upload, as for the database itself (whose files createPrivate makes). */
const DIR_MODE = 0o700;

/** Next.js bundles a thread's entry as JavaScript; from source (tests, scripts under tsx) it is TypeScript. */
const FROM_SOURCE = process.env.NEXT_RUNTIME === undefined;

/** A worker thread does not inherit the parent's TypeScript loader: it loads its entry through tsx itself. */
const fromSource = (entry: string) => `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;

// Each `new Worker(new URL(…))` is written out whole: that is the form Next.js finds and bundles.
const startStager = (options: StagingThreadOptions) =>
  FROM_SOURCE
    ? new Worker(fromSource(new URL('./stager-worker.ts', import.meta.url).href), { eval: true, workerData: options })
    : new Worker(new URL('./stager-worker.ts', import.meta.url), { workerData: options });
const startCopier = (options: StagingThreadOptions) =>
  FROM_SOURCE
    ? new Worker(fromSource(new URL('./copier-worker.ts', import.meta.url).href), { eval: true, workerData: options })
    : new Worker(new URL('./copier-worker.ts', import.meta.url), { workerData: options });

export type FinishOutcome = { ok: true; users: number } | { ok: false; status: string | null };

/**
 * One upload's staging threads, seen from the main thread: the stager takes the rows (with
 * backpressure) and, at the end, merges them; the copier stores each merged slice and waits for
 * the main thread's answer before the next, so the main thread's own writes never wait for more
 * than one slice. Both start with the upload's first rows, so neither is still loading at the end.
 */
class StagingThreads {
  private readonly stager: Worker;
  private readonly copier: Worker;
  private inFlight = 0;
  private failure: unknown = null;
  private waiting: (() => void) | null = null;
  private finishing: { onSlice: (done: number, total: number) => Promise<void>; resolve: (o: FinishOutcome) => void; reject: (e: unknown) => void } | null = null;

  constructor(options: StagingThreadOptions) {
    this.stager = this.watch(startStager(options));
    this.stager.on('message', (m: StagerReply) => {
      if (m.type !== 'stored') return;
      this.inFlight--;
      this.wake();
    });
    this.copier = this.watch(startCopier(options));
    this.copier.on('message', (m: CopierReply) => this.fromCopier(m));
    const { port1, port2 } = new MessageChannel();
    this.copier.postMessage({ type: 'stager', port: port2 } satisfies CopierRequest, [port2]);
    this.stager.postMessage({ type: 'copier', port: port1 } satisfies StagerRequest, [port1]);
  }

  async append(firstSeq: number, rows: readonly StagedRow[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.inFlight++;
    this.stager.postMessage({ type: 'rows', firstSeq, rows } satisfies StagerRequest);
    while (this.inFlight >= IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => (this.waiting = resolve));
    if (this.failure) throw this.failure;
  }

  finish(onSlice: (done: number, total: number) => Promise<void>): Promise<FinishOutcome> {
    return new Promise<FinishOutcome>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.finishing = { onSlice, resolve, reject };
      this.stager.postMessage({ type: 'finish' } satisfies StagerRequest);
    });
  }

  async terminate(): Promise<void> {
    await Promise.all([this.stager.terminate(), this.copier.terminate()]);
  }

  private fromCopier(m: CopierReply): void {
    switch (m.type) {
      case 'progress':
        this.finishing?.onSlice(m.done, m.total).then(
          () => this.copier.postMessage({ type: 'next' } satisfies CopierRequest),
          (err: unknown) => this.fail(err),
        );
        return;
      case 'finished':
        this.finishing?.resolve({ ok: true, users: m.users });
        return;
      case 'lost':
        this.finishing?.resolve({ ok: false, status: m.status });
        return;
    }
  }

  private watch(worker: Worker): Worker {
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`a staging thread exited with code ${code}`));
    });
    return worker;
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    this.wake();
    this.finishing?.reject(this.failure);
    void this.terminate();
  }
}

/**
 * The staging of this process's uploads: a thread and a scratch file per upload that has rows,
 * next to the database (`<file>.uploads/<id>.db`). The scratch file holds the rows only until
 * they are stored in run_users; deleting it is how an upload's unstored rows are dropped, by
 * whichever process does it.
 */
export class Staging {
  private readonly threads = new Map<number, StagingThreads>();
  private readonly dir: string;

  constructor(
    private readonly databasePath: string,
    private readonly sizes = SIZES,
  ) {
    this.dir = `${databasePath}.uploads`;
  }

  scratchPath(uploadId: number): string {
    return `${this.dir}/${uploadId}.db`;
  }

  async append(uploadId: number, firstSeq: number, rows: readonly StagedRow[]): Promise<void> {
    let thread = this.threads.get(uploadId);
    if (!thread) {
      mkdirSync(this.dir, { recursive: true, mode: DIR_MODE });
      // A file left by an earlier life of this process under the same id holds nothing of this upload.
      rmSync(this.scratchPath(uploadId), { force: true });
      createPrivate(this.scratchPath(uploadId));
      thread = new StagingThreads({
        databasePath: this.databasePath,
        scratchPath: this.scratchPath(uploadId),
        uploadId,
        ...this.sizes,
      });
      this.threads.set(uploadId, thread);
    }
    await thread.append(firstSeq, rows);
  }

  /**
   * Merges the upload's rows by user and stores its users in run_users, a slice at a time, each
   * recording how far it has come; `onSlice` sees each slice before the next one may start. An
   * upload that got no row has no threads and no users.
   */
  async finish(uploadId: number, onSlice: (done: number, total: number) => Promise<void> = async () => undefined): Promise<FinishOutcome> {
    const thread = this.threads.get(uploadId);
    if (!thread) return { ok: true, users: 0 };
    try {
      return await thread.finish(onSlice);
    } finally {
      await this.drop(uploadId);
    }
  }

  /** Stops the upload's thread, if this process runs one, and deletes its scratch file, wherever it was written. */
  async drop(uploadId: number): Promise<void> {
    const thread = this.threads.get(uploadId);
    this.threads.delete(uploadId);
    await thread?.terminate();
    for (const file of ['', '-wal', '-shm']) rmSync(`${this.scratchPath(uploadId)}${file}`, { force: true });
  }

  async close(): Promise<void> {
    await Promise.all([...this.threads.keys()].map((id) => this.drop(id)));
  }
}
