import 'server-only';
import { Worker } from 'node:worker_threads';
import type { KeptValues, UserOutcome } from '../../engine/engine';
import { LeaseLost, type Fence } from '../../lease/fence';
import { FROM_SOURCE, fromSource } from '../../threads/from-source';
import type { Write, WriteReply, WriteRequest } from './writer-protocol';

// Written out whole: that is the form Next.js finds and bundles.
const startWorker = (databasePath: string) =>
  FROM_SOURCE
    ? new Worker(fromSource(new URL('./writer-worker.ts', import.meta.url).href), { eval: true, workerData: { databasePath } })
    : new Worker(new URL('./writer-worker.ts', import.meta.url), { workerData: { databasePath } });

interface Waiting {
  resolve: (value: { done: boolean } | undefined) => void;
  reject: (err: unknown) => void;
  fence: Fence | null;
}

/**
 * The writer thread of one store (writer-worker.ts), seen from the main thread: started on the
 * first write, and holding the process open only while a write is asked. It answers writes in the
 * order they were asked. A thread that fails or exits fails what it was asked (the pass halts and
 * the next one resumes the run where its records end), and the next write starts a new one.
 */
export class WriterThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly databasePath: string) {}

  async copy(runId: number, slice: number, fence: Fence | null): Promise<{ done: boolean }> {
    return (await this.ask({ op: 'copy', runId, slice }, fence))!;
  }

  async recordOutcomes(runId: number, outcomes: readonly UserOutcome[], requests: number, atMs: number, fence: Fence | null): Promise<void> {
    await this.ask({ op: 'outcomes', runId, outcomes, requests, atMs }, fence);
  }

  async keepValues(runId: number, kept: readonly KeptValues[], fence: Fence | null): Promise<void> {
    await this.ask({ op: 'keep', runId, kept }, fence);
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private ask(write: Write, fence: Fence | null): Promise<{ done: boolean } | undefined> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, fence });
      worker.ref();
      worker.postMessage({ ...write, id, fence } satisfies WriteRequest);
    });
  }

  private start(): Worker {
    const worker = startWorker(this.databasePath);
    worker.on('message', (m: WriteReply) => {
      const asked = this.waiting.get(m.id);
      if (!asked) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if ('value' in m) asked.resolve(m.value);
      else if ('lost' in m) asked.reject(new LeaseLost(asked.fence!));
      else asked.reject(new Error(`a write of the writer thread failed: ${m.error}`));
    });
    const failAll = (err: unknown) => {
      if (this.worker === worker) this.worker = null;
      for (const asked of this.waiting.values()) asked.reject(err);
      this.waiting.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the writer thread exited (code ${code})`)));
    return worker;
  }
}
