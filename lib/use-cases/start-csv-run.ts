import 'server-only';
import { validateCsvText } from '../csv/parse';
import { targetsOf } from '../csv/validate';
import { describeFailure } from '../results/present';
import type { StartBulkInput } from '../schemas/bulk';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from './result';
import { storeRun } from './start-run';

/**
 * The server's own gate for a CSV upload: the browser preview is a convenience, so the file is
 * parsed and validated again here, against the app's attribute names, before a single user is
 * stored or sent. The run goes to the worker and this returns at once.
 */
export async function startCsvRun(ctx: UseCaseContext, input: StartBulkInput): Promise<Result<{ runId: number; users: number }>> {
  if (!ctx.worker.canSend()) return fail('worker.standby');
  const app = ctx.apps.get(input.appId);
  if (!app) return fail('app.unknown');
  const label = app.summary.label;
  const names = await app.attrNames.load();
  if (!names.ok) {
    const entry = describeFailure(names.failure);
    return fail('app.attrsUnavailable', { app: label, title: entry.title, action: entry.action });
  }
  const unknownPick = input.attrs.filter((a) => !names.names.includes(a));
  if (unknownPick.length > 0) return fail('app.attrsUnknown', { app: label, names: unknownPick.join(', ') });

  // The CSV reader strips the one BOM a file may start with; File.text() would strip it first and
  // let a second one through into the first user ID.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await input.file.arrayBuffer());
  const checked = validateCsvText(text, names.names, input.attrs);
  if (checked.fatal) return fail(checked.fatal.code, checked.fatal.params);
  if (checked.users.size === 0) return fail('csv.noValidRows', { invalid: checked.invalidRows, rows: checked.rowsRead });

  const { runId, existing } = await storeRun(
    ctx,
    {
      requestKey: input.requestKey,
      source: 'csv',
      appId: app.summary.id,
      sdkAppId: app.summary.sdkAppId,
      region: app.summary.region,
      file: { name: input.file.name, rowsRead: checked.rowsRead, invalidRows: checked.invalidRows, duplicateRows: checked.duplicateRows },
      users: targetsOf(checked.users),
    },
    { source: 'csv', users: checked.users.size, file: input.file.name, invalidRows: checked.invalidRows },
  );
  if (!existing) void ctx.worker.run(runId, 'csv');
  return ok({ runId, users: checked.users.size });
}
