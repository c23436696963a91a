import type { RunSummary } from '../runs/types';
import { translator, type Messages } from '../messages/translate';

/** Runs listed on /history; older ones stay reachable by user search and by URL. */
export const RUNS_PAGE_SIZE = 100;

export function statusLabel(status: RunSummary['status'], messages: Messages): string {
  return translator('results', messages)(`status.${status}`);
}

export function sourceLabel(source: RunSummary['source'], messages: Messages): string {
  return translator('results', messages)(`source.${source}`);
}

/** The run page and the runs table still import it here; once they import formatDateTime itself, this alias goes. */

export function kindLabel(kind: RunSummary['kind'], messages: Messages): string {
  return translator('results', messages)(`kind.${kind}`);
}
