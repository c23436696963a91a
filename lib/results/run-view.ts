import type { RunSummary } from '../db/runs';
import { translator } from '../messages/translate';

/** Runs listed on /history; older ones stay reachable by user search and by URL. */
export const RUNS_PAGE_SIZE = 100;

const results = translator('results');

export function statusLabel(status: RunSummary['status']): string {
  return results(`status.${status}`);
}

export function sourceLabel(source: RunSummary['source']): string {
  return results(`source.${source}`);
}

/** Fixed format and zone so server and browser render the same text (no hydration mismatch). */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function kindLabel(kind: RunSummary['kind']): string {
  return results(`kind.${kind}`);
}
