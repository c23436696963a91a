import { describeAppFailure, describeTimError, describeTransportFailure, type AppFailure, type CatalogueEntry, type TransportFailure } from '../tim/errors';

/** A stored failure: catalogue key, TIM code (null for transport failures) and the server's words. */
export interface FailureRecord {
  key: string;
  code: number | null;
  info: string;
}

export type ResultKind = 'pending' | 'removed' | 'failed' | 'not_sent';

/** One row of a results table, as every page and the CSV export show it. */
export interface ResultRow {
  user: string;
  result: ResultKind;
  /** Starts with "Removed", "Failed", "Not sent" or "Pending" (SPEC "Calling the API"). */
  resultText: string;
  /** The bare TIM code, empty when there is none. */
  code: string;
  explanation: string;
  /** What the server said (ErrorInfo or transport detail), kept apart from our own words. */
  serverInfo: string;
}

export function describeFailure(f: FailureRecord): CatalogueEntry {
  if (f.key.startsWith('transport.')) return describeTransportFailure(f.key.slice('transport.'.length) as TransportFailure, f.info);
  if (f.key.startsWith('app.')) return describeAppFailure(f.key.slice('app.'.length) as AppFailure, f.info);
  return describeTimError(f.code ?? Number(f.key), f.info);
}

export interface RunContext {
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
  error: FailureRecord | null;
}

function notSentReason(run: RunContext): string {
  if (run.error) return `Not sent because the run stopped after "${describeFailure(run.error).title}". Fix that, then run these users again.`;
  if (run.status === 'cancelled') return 'Not sent because the run was cancelled before this batch went out.';
  return 'Not sent because the console stopped before this batch went out. Run these users again.';
}

export function presentUser(
  u: { userId: string; result: ResultKind; failure: FailureRecord | null },
  run: RunContext,
): ResultRow {
  const base = { user: u.userId, result: u.result, code: '', serverInfo: '' };
  switch (u.result) {
    case 'removed':
      return { ...base, resultText: 'Removed', explanation: 'The attributes were removed from this user.' };
    case 'pending':
      return { ...base, resultText: 'Pending', explanation: 'Waiting for its batch to be sent.' };
    case 'not_sent':
      return { ...base, resultText: 'Not sent', explanation: notSentReason(run) };
    case 'failed': {
      const failure = u.failure ?? { key: 'unknown', code: null, info: '' };
      const entry = describeFailure(failure);
      return {
        ...base,
        resultText: `Failed: ${entry.title}`,
        code: entry.code === null ? '' : String(entry.code),
        explanation: `${entry.explanation} ${entry.action}`,
        serverInfo: failure.info,
      };
    }
  }
}

export interface FailureGroupView {
  key: string;
  code: string;
  count: number;
  title: string;
  explanation: string;
  action: string;
  handling: CatalogueEntry['handling'];
}

export function presentFailureGroup(g: FailureRecord & { count: number }): FailureGroupView {
  const entry = describeFailure(g);
  return {
    key: g.key,
    code: entry.code === null ? '' : String(entry.code),
    count: g.count,
    title: entry.title,
    explanation: entry.explanation,
    action: entry.action,
    handling: entry.handling,
  };
}
