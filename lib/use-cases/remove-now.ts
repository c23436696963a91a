import 'server-only';
import type { AttrCount, RunSummary } from '../runs/types';
import { currentValues, formatValues, presentFailureGroup, presentRun, presentUser, type CurrentValue, type FailureGroupView, type ResultRow } from '../results/present';
import type { RemoveFormInput } from '../schemas/remove-form';
import { MAX_FORM_USERS } from '../schemas/remove-form';
import { parseUserIdList } from '../user-ids';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';
import { storeRun } from './start-run';
import { untypedRefusal } from './typed-confirm';

export interface RemovedNow {
  run: RunSummary;
  /** With a removal's Before text: the form is for operators and admins, who may see it. */
  rows: (ResultRow & { before?: string })[];
  failures: FailureGroupView[];
  duplicates: string[];
  /** A dry run's counts per attribute, and every checked user's current values (the form is for operators, who may see them). */
  check: { counts: AttrCount[]; values: CurrentValue[] } | null;
}

/**
 * The /remove form after its schema passed: check the attributes against the app as it is now
 * (not the page's cached list), then run to the end within the request. A request-level error in
 * that check (a rotated key, an unreachable server) would stop the run at its first request
 * anyway, so it is recorded as a stopped run with every user "not sent", like one met mid-run.
 */
export function removeNow(ctx: UseCaseContext, input: RemoveFormInput): Promise<Result<RemovedNow>> {
  return runFormNow(ctx, input, 'remove');
}

/** "Check current values" on the form: the same users and attributes, read and changed in nothing. */
export function checkNow(ctx: UseCaseContext, input: RemoveFormInput): Promise<Result<RemovedNow>> {
  return runFormNow(ctx, input, 'check');
}

async function runFormNow(ctx: UseCaseContext, input: RemoveFormInput, kind: 'remove' | 'check'): Promise<Result<RemovedNow>> {
  if (!ctx.worker.canSend()) return fail('worker.standby');
  const app = ctx.apps.get(input.appId);
  if (!app) return fail('app.unknown');
  const label = app.summary.label;

  const names = await app.attrNames.load({ fresh: true });
  if (names.ok) {
    const unknown = input.attrs.filter((a) => !names.names.includes(a));
    if (unknown.length > 0) {
      return fail('app.attrsChanged', { app: label }, { attrs: { code: 'app.attrsUnknown', params: { app: label, names: unknown.join(', ') } } });
    }
  }

  const { ids, duplicates } = parseUserIdList(input.userIds);
  if (kind === 'remove') {
    const untyped = untypedRefusal(app.summary, ids.length, input.typedAppName);
    if (untyped) return untyped;
  }
  // In the app's slot order when the check answered; as picked when it could not.
  const attrs = names.ok ? names.names.filter((n) => input.attrs.includes(n)) : input.attrs;
  const { runs } = ctx.store;
  const { runId, existing } = await storeRun(
    ctx,
    { requestKey: input.requestKey, source: 'form', kind, appId: app.summary.id, sdkAppId: app.summary.sdkAppId, region: app.summary.region, users: ids.map((account) => ({ account, attrs })) },
    { source: 'form', users: ids.length },
  );
  if (!existing && !names.ok) await runs.finish(runId, { status: 'stopped', failure: names.failure });
  // Sent here or by the process that sends for the app: either way, the answer waits for its end in the database.
  if ((await runs.get(runId))!.status === 'running') await ctx.worker.runToEnd(runId, 'form');

  const run = (await runs.get(runId))!;
  const [users, groups] = await Promise.all([runs.users(run.id, { limit: MAX_FORM_USERS }), runs.failureGroups(run.id)]);
  const check =
    run.kind === 'check'
      ? { counts: await runs.attrCounts(run.id), values: users.filter((u) => u.result === 'checked').flatMap((u) => currentValues(u.userId, u.attrs, u.values)) }
      : null;
  const rows = users.map((u) => ({ ...presentUser(u, run, ctx.messages), ...(run.kind === 'remove' ? { before: formatValues(u.values) } : {}) }));
  return ok({ run: presentRun(run), rows, failures: groups.map((g) => presentFailureGroup(g, ctx.messages)), duplicates, check });
}
