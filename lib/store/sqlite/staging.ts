import 'server-only';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { MessageChannel, Worker } from 'node:worker_threads';
import { FROM_SOURCE, fromSource } from '../../threads/from-source';
import type { StagedRows } from '../../uploads/types';
import { createPrivate } from './database';
import type { CopierRequest, StagingReply, StagingRequest, StagingThreadOptions } from './staging-protocol';

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

// Each `new Worker(new URL(…))` is written out whole: that is the form Next.js finds and bundles.
const startMerger = (options: StagingThreadOptions) =>
  FROM_SOURCE
    ? new Worker(fromSource(new URL('./merger-worker.ts', import.meta.url).href), { eval: true, workerData: options })
    : new Worker(new URL('./merger-worker.ts', import.meta.url), { workerData: options });
const startCopier = (options: StagingThreadOptions) =>
  FROM_SOURCE
    ? new Worker(fromSource(new URL('./copier-worker.ts', import.meta.url).href), { eval: true, workerData: options })
    : new Worker(new URL('./copier-worker.ts', import.meta.url), { workerData: options });

export type FinishOutcome = { ok: true; users: number } | { ok: false; status: string | null };

/** One staging thread and the batches of rows handed to it that it has not stored yet. */
interface Lane {
  worker: Worker;
  inFlight: number;
}

/**
 * One upload's two staging threads, seen from the main thread. Each keeps about half of the rows
 * (a batch goes to the one with fewer waiting) and sorts them in parts, so both cores append and
 * sort at once. Once the file has ended, the merger merges the parts of both by user while the
 * copier stores each merged slice in run_users; the copier waits for the main thread's answer
 * before the next slice, so the main thread's own writes never wait for more than one slice.
 */
class StagingThreads {
  private readonly merger: Lane;
  private readonly copier: Lane;
  private failure: unknown = null;
  /** Ended on purpose: the exits that follow are no failure. */
  private stopping = false;
  private waiting: (() => void) | null = null;
  private finishing: { onSlice: (done: number, total: number) => Promise<void>; resolve: (o: FinishOutcome) => void; reject: (e: unknown) => void } | null = null;

  constructor(options: StagingThreadOptions) {
    this.merger = this.lane(startMerger(options));
    this.copier = this.lane(startCopier({ ...options, scratchPath: options.peerScratchPath, peerScratchPath: options.scratchPath }));
    this.copier.worker.on('message', (m: StagingReply) => this.fromCopier(m));
    const { port1, port2 } = new MessageChannel();
    this.merger.worker.postMessage({ type: 'peer', port: port1 } satisfies StagingRequest, [port1]);
    this.copier.worker.postMessage({ type: 'peer', port: port2 } satisfies StagingRequest, [port2]);
  }

  async append(firstSeq: number, rows: StagedRows): Promise<void> {
    if (this.failure) throw this.failure;
    const lane = this.merger.inFlight <= this.copier.inFlight ? this.merger : this.copier;
    lane.inFlight++;
    lane.worker.postMessage({ type: 'rows', firstSeq, rows } satisfies StagingRequest);
    while (Math.min(this.merger.inFlight, this.copier.inFlight) >= IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => (this.waiting = resolve));
    if (this.failure) throw this.failure;
  }

  finish(onSlice: (done: number, total: number) => Promise<void>): Promise<FinishOutcome> {
    return new Promise<FinishOutcome>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.finishing = { onSlice, resolve, reject };
      for (const lane of [this.merger, this.copier]) lane.worker.postMessage({ type: 'finish' } satisfies StagingRequest);
    });
  }

  async terminate(): Promise<void> {
    this.stopping = true;
    await Promise.all([this.merger.worker.terminate(), this.copier.worker.terminate()]);
  }

  private lane(worker: Worker): Lane {
    const lane = { worker, inFlight: 0 };
    worker.on('message', (m: StagingReply) => {
      if (m.type !== 'stored') return;
      lane.inFlight--;
      this.wake();
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (code !== 0 && !this.stopping) this.fail(new Error(`a staging thread exited with code ${code}`));
    });
    return lane;
  }

  private fromCopier(m: StagingReply): void {
    switch (m.type) {
      case 'progress':
        this.finishing?.onSlice(m.done, m.total).then(
          () => this.copier.worker.postMessage({ type: 'next' } satisfies CopierRequest),
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

/** A scratch file with what SQLite keeps beside it once it is a WAL one. */
const scratchWithSides = (path: string) => [path, `${path}-wal`, `${path}-shm`];

/**
 * The staging of this process's uploads: two threads and two scratch files per upload that has
 * rows, next to the database (`<file>.uploads/<id>-1.db`, `-2.db`). The scratch files hold the rows
 * only until they are stored in run_users; deleting them is how an upload's unstored rows are
 * dropped, by whichever process does it.
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

  /** The upload's two scratch files, one per staging thread. */
  scratchFiles(uploadId: number): [string, string] {
    return [`${this.dir}/${uploadId}-1.db`, `${this.dir}/${uploadId}-2.db`];
  }

  async append(uploadId: number, firstSeq: number, rows: StagedRows): Promise<void> {
    let thread = this.threads.get(uploadId);
    if (!thread) {
      mkdirSync(this.dir, { recursive: true, mode: DIR_MODE });
      const [mine, peer] = this.scratchFiles(uploadId);
      for (const path of [mine, peer]) {
        // A file left by an earlier life of this process under the same id holds nothing of this upload.
        for (const file of scratchWithSides(path)) rmSync(file, { force: true });
        createPrivate(path);
      }
      thread = new StagingThreads({ databasePath: this.databasePath, scratchPath: mine, peerScratchPath: peer, uploadId, ...this.sizes });
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

  /** Stops the upload's threads, if this process runs them, and deletes its scratch files, whichever process wrote them. */
  async drop(uploadId: number): Promise<void> {
    const thread = this.threads.get(uploadId);
    this.threads.delete(uploadId);
    await thread?.terminate();
    // Off the event loop: freeing the blocks of hundreds of MB takes the file system a while.
    await Promise.all(this.scratchFiles(uploadId).flatMap(scratchWithSides).map((file) => rm(file, { force: true })));
  }

  async close(): Promise<void> {
    await Promise.all([...this.threads.keys()].map((id) => this.drop(id)));
  }

  /**
   * Deletes the scratch files of every upload but those still arriving: what a process that
   * stopped mid-way, or a database put back from a copy, left behind. Synchronous, once, as the
   * store opens.
   */
  removeLeftovers(arriving: ReadonlySet<number>): void {
    let files: string[];
    try {
      files = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const file of files) {
      const uploadId = Number(/^(\d+)-[12]\.db(?:-wal|-shm)?$/.exec(file)?.[1]);
      if (Number.isInteger(uploadId) && !arriving.has(uploadId)) rmSync(`${this.dir}/${file}`, { force: true });
    }
  }
}
