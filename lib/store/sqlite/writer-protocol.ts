// What the SQLite writer thread (writer-worker.ts) is asked, and what it answers. No
// `import 'server-only'` here: the thread loads this file, and in Node that package throws.
import type { KeptValues, UserOutcome } from '../../engine/engine';
import type { Fence } from '../../lease/fence';

/** One write of a pass: the next slice of its copy, a batch's outcomes, or a removal's snapshot of a batch. */
export type Write =
  | { op: 'copy'; runId: number; slice: number }
  | { op: 'outcomes'; runId: number; outcomes: readonly UserOutcome[]; requests: number; atMs: number }
  | { op: 'keep'; runId: number; kept: readonly KeptValues[] };

/** A write as the thread is asked it: under a fence, or none. */
export type WriteRequest = Write & { id: number; fence: Fence | null };

/** Its answer: what the write returned (a copy's `done`), or why it wrote nothing. */
export type WriteReply = { id: number; value: { done: boolean } | undefined } | { id: number; lost: true } | { id: number; error: string };
