import 'server-only';
import type { Actor } from '../auth/audit';
import { failureGroups, listRunUsers, type RunSummary } from '../db/runs';
import { presentFailureGroup, presentUser, type FailureGroupView, type ResultRow } from '../results/present';
import { getWorker, STANDBY_REFUSAL } from '../jobs/worker';
import { getRuntime } from '../runtime';
import { MAX_FORM_USERS } from '../schemas/remove-form';
import { loadAttrNames } from '../tim/attr-names';
import { parseUserIdList } from '../user-ids';
import { removeAttributesNow } from './remove-users';

export type FormRemovalResult =
  | { ok: true; run: RunSummary; rows: ResultRow[]; failures: FailureGroupView[]; duplicates: string[] }
  | { ok: false; error: string; fieldErrors?: Partial<Record<'userIds' | 'attrs', string[]>> };

/**
 * The /remove form after its schema passed: check the attributes against the app as it is now
 * (not the page's cached list), then run. A request-level error in that check (a rotated key, an
 * unreachable server) would stop the run at its first request anyway, so it is recorded as a
 * stopped run with every user "not sent", like one met mid-run.
 */
export async function removeForForm(input: { userIds: string; attrs: string[]; requestKey?: string }, actor: Actor): Promise<FormRemovalResult> {
  if (!getWorker().canSend()) return { ok: false, error: STANDBY_REFUSAL };
  const names = await loadAttrNames(getRuntime().tim, { fresh: true });
  if (names.ok) {
    const unknown = input.attrs.filter((a) => !names.names.includes(a));
    if (unknown.length > 0) {
      return {
        ok: false,
        error: 'The attribute list has changed; reload the page.',
        fieldErrors: { attrs: [`Not an attribute of this app: ${unknown.join(', ')}.`] },
      };
    }
  }

  const { ids, duplicates } = parseUserIdList(input.userIds);
  // In the app's slot order when the check answered; as picked when it could not.
  const attrs = names.ok ? names.names.filter((n) => input.attrs.includes(n)) : input.attrs;
  const run = await removeAttributesNow(
    { users: ids.map((account) => ({ account, attrs })), source: 'form', actor, requestKey: input.requestKey },
    names.ok ? undefined : names.failure,
  );
  const { db } = getRuntime();
  const rows = listRunUsers(db, run.id, { limit: MAX_FORM_USERS }).map((u) => presentUser(u, run));
  return { ok: true, run, rows, failures: failureGroups(db, run.id).map(presentFailureGroup), duplicates };
}
