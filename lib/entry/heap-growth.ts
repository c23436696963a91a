import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets its old generation grow past what survived the last full collection before it
 * collects again: 1.5 times. Left to itself, on a machine with memory to spare, it picks up to 4
 * times. The console keeps about 90 MB live, but a pass makes garbage that outlives young
 * collections (each batch's users and outcomes wait a round trip), and at 4 times a
 * 1,000,000-user dry run grew to 525 MB before a full collection came. At 1.5 times the same run
 * peaked at 396 MB, with a full collection every 30 to 40 seconds (README, "Benchmark").
 */
export const HEAP_GROWING_PERCENT = 50;

/** For the console's process, at its start. V8 reads the flag at each full collection, so it holds from the next one on. */
export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
