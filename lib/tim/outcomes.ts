import type { CallResult } from './client';
import { describeTimError, describeTransportFailure, type Handling } from './errors';

/** What went wrong for one user or one request, in the form that is stored and explained. */
export interface Failure {
  /** Catalogue key: the TIM code as a string, or 'transport.*'. */
  key: string;
  code: number | null;
  /** The server's ErrorInfo, or the transport detail (never a URL). */
  info: string;
  handling: Handling;
}

export type UserReading = { account: string; failure: Failure | null };

/**
 * The one place a TIM reply becomes outcomes. A request either failed as a whole (transport or a
 * non-zero top-level ErrorCode) or reached the users, in which case every account absent from
 * ErrorList was removed — a top-level OK alone does not mean every user succeeded.
 */
export type BatchReading =
  | { kind: 'request-failed'; failure: Failure; users: UserReading[] }
  | { kind: 'per-user'; users: UserReading[] };

export function timFailure(code: number, info: string): Failure {
  const entry = describeTimError(code, info);
  return { key: entry.key, code, info, handling: entry.handling };
}

export function readBatchReply(accounts: readonly string[], result: CallResult): BatchReading {
  if (result.kind === 'transport') {
    const entry = describeTransportFailure(result.failure, result.detail);
    const failure: Failure = { key: entry.key, code: null, info: result.detail, handling: entry.handling };
    return { kind: 'request-failed', failure, users: accounts.map((account) => ({ account, failure })) };
  }

  const { reply } = result;
  const listed = new Map<string, Failure | null>();
  for (const item of reply.ErrorList) {
    listed.set(item.To_Account, item.ErrorCode === 0 ? null : timFailure(item.ErrorCode, item.ErrorInfo));
  }

  if (reply.ErrorCode !== 0) {
    // Undocumented whether a failed request also lists users; when it does, their own code is the
    // more precise explanation, so it wins over the request's.
    const failure = timFailure(reply.ErrorCode, reply.ErrorInfo);
    return {
      kind: 'request-failed',
      failure,
      users: accounts.map((account) => ({ account, failure: listed.get(account) ?? failure })),
    };
  }
  return { kind: 'per-user', users: accounts.map((account) => ({ account, failure: listed.get(account) ?? null })) };
}
