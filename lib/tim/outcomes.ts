import type { CallResult } from './client';
import { appHandling, failureKey, timHandling, transportHandling, type AppFailure, type Handling, type TransportFailure } from './policy';
import { cleanFreeText } from './sanitize';

/** What went wrong for one user or one request, in the form that is stored and explained. */
export interface Failure {
  /** Catalogue key (lib/tim/policy.ts): the TIM code as a string, 'transport.*' or 'app.*'. */
  key: string;
  code: number | null;
  /**
   * The server's ErrorInfo, or the transport detail, cleaned (lib/tim/sanitize.ts) as the failure is
   * made, so what is stored and shown is already safe; rows stored before that are cleaned when shown.
   */
  info: string;
  handling: Handling;
}

/** `values`: what a get_attr reply holds for the user. */
export type UserReading = { account: string; failure: Failure | null; values?: Record<string, string> };

/**
 * The one place a TIM reply becomes outcomes. A request either failed as a whole (transport or a
 * non-zero top-level ErrorCode) or reached the users, in which case every account absent from
 * ErrorList was removed — a top-level OK alone does not mean every user succeeded.
 */
export type BatchReading =
  | { kind: 'request-failed'; failure: Failure; users: UserReading[] }
  | { kind: 'per-user'; users: UserReading[] };

export function timFailure(code: number, info: string): Failure {
  return { key: failureKey({ kind: 'tim', code }), code, info: cleanFreeText(info), handling: timHandling(code) };
}

export function transportFailure(kind: TransportFailure, detail: string): Failure {
  return { key: failureKey({ kind: 'transport', failure: kind }), code: null, info: cleanFreeText(detail), handling: transportHandling(kind) };
}

/** The console's own reason to stop a run before sending (its app changed); `info` names the app. */
export function appFailure(kind: AppFailure, info: string): Failure {
  return { key: failureKey({ kind: 'app', failure: kind }), code: null, info, handling: appHandling(kind) };
}

export function readBatchReply(accounts: readonly string[], result: CallResult): BatchReading {
  if (result.kind === 'transport') {
    const failure = transportFailure(result.failure, result.detail);
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

/**
 * A get_attr reply: like any other, plus each user's values. A user the reply neither lists with
 * values nor with an error has not been read, and is retried like a garbled reply: a snapshot
 * must never take "not in the reply" for "has no values".
 */
export function readUserAttrsReply(accounts: readonly string[], result: CallResult): BatchReading {
  const reading = readBatchReply(accounts, result);
  if (reading.kind !== 'per-user' || result.kind !== 'reply') return reading;
  const values = new Map((result.reply.UserAttrs ?? []).map((u) => [u.To_Account, u.Attrs]));
  const unread = transportFailure('bad-response', 'get_attr did not list this account');
  return {
    kind: 'per-user',
    users: reading.users.map((u) => {
      if (u.failure) return u;
      const attrs = values.get(u.account);
      return attrs === undefined ? { account: u.account, failure: unread } : { account: u.account, failure: null, values: attrs };
    }),
  };
}
