import type { RunSummary } from '../db/runs';
import { translator, type Messages } from '../messages/translate';

/** Runs listed on /history; older ones stay reachable by user search and by URL. */
export const RUNS_PAGE_SIZE = 100;

export function statusLabel(status: RunSummary['status'], messages: Messages): string {
  return translator('results', messages)(`status.${status}`);
}

export function sourceLabel(source: RunSummary['source'], messages: Messages): string {
  return translator('results', messages)(`source.${source}`);
}

/** Fixed format and zone so server and browser render the same text (no hydration mismatch). */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function kindLabel(kind: RunSummary['kind'], messages: Messages): string {
  return translator('results', messages)(`kind.${kind}`);
}
