import 'server-only';
import { Worker } from 'node:worker_threads';
import { LeaseLost, type Fence } from '../../lease/fence';
import { FROM_SOURCE, fromSource } from '../../threads/from-source';
import type { CopyReply, CopyRequest } from './copy-sql';

// Written out whole: that is the form Next.js finds and bundles.
const startWorker = (databasePath: string) =>
  FROM_SOURCE
    ? new Worker(fromSource(new URL('./writer-worker.ts', import.meta.url).href), { eval: true, workerData: { databasePath } })
    : new Worker(new URL('./writer-worker.ts', import.meta.url), { workerData: { databasePath } });

interface Waiting {
  resolve: (r: { done: boolean }) => void;
  reject: (err: unknown) => void;
  fence: Fence | null;
}

/**
 * The copy thread of one store (writer-worker.ts), seen from the main thread: started on the first
 * copy, and holding the process open only while a slice is asked. A thread that fails or exits
 * fails what it was asked (the pass halts and the next one resumes the copy where it got to), and
 * the next copy starts a new one.
 */
export class WriterThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly databasePath: string) {}

  copy(runId: number, slice: number, fence: Fence | null): Promise<{ done: boolean }> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, fence });
      worker.ref();
      worker.postMessage({ id, runId, slice, fence } satisfies CopyRequest);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private start(): Worker {
    const worker = startWorker(this.databasePath);
    worker.on('message', (m: CopyReply) => {
      const asked = this.waiting.get(m.id);
      if (!asked) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if ('done' in m) asked.resolve({ done: m.done });
      else if ('lost' in m) asked.reject(new LeaseLost(asked.fence!));
      else asked.reject(new Error(`copy of a run's users failed: ${m.error}`));
    });
    const failAll = (err: unknown) => {
      if (this.worker === worker) this.worker = null;
      for (const asked of this.waiting.values()) asked.reject(err);
      this.waiting.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the copy thread exited (code ${code})`)));
    return worker;
  }
}
