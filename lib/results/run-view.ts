import type { RunSummary } from '../db/runs';

/** Runs listed on /history; older ones stay reachable by user search and by URL. */
export const RUNS_PAGE_SIZE = 100;

export const STATUS_LABEL: Record<RunSummary['status'], string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Stopped by an error',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export const SOURCE_LABEL: Record<RunSummary['source'], string> = {
  form: 'Form',
  csv: 'CSV upload',
  retry: 'Retry of failed users',
};

/** Fixed format and zone so server and browser render the same text (no hydration mismatch). */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
