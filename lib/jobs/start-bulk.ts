import 'server-only';
import { audit, type Actor } from '../auth/audit';
import { getConfig } from '../config';
import { createRetryRun, createRun, failureGroups } from '../db/runs';
import { validateCsvText } from '../csv/parse';
import { targetsOf, type CsvValidation } from '../csv/validate';
import { log } from '../log';
import { describeFailure } from '../results/present';
import { getRuntime } from '../runtime';
import { loadAttrNames } from '../tim/attr-names';
import { getWorker } from './worker';

export type StartResult = { ok: true; runId: number; users: number } | { ok: false; error: string };

/**
 * The server's own gate for a CSV upload: the browser preview is a convenience, so the file is
 * parsed and validated again here before a single user is stored or sent.
 */
export async function startCsvRun(input: { fileName: string; text: string; pickedAttrs: string[]; actor: Actor }): Promise<StartResult> {
  const names = await loadAttrNames(getRuntime().tim);
  if (!names.ok) {
    const entry = describeFailure(names.failure);
    return { ok: false, error: `Could not check the app's attribute names: ${entry.title}. ${entry.action}` };
  }
  const unknownPick = input.pickedAttrs.filter((a) => !names.names.includes(a));
  if (unknownPick.length > 0) return { ok: false, error: `Not an attribute of this app: ${unknownPick.join(', ')}. Reload the page.` };

  const checked: CsvValidation = validateCsvText(input.text, names.names, input.pickedAttrs);
  if (checked.fatal) return { ok: false, error: checked.fatal };
  if (checked.users.size === 0) {
    return { ok: false, error: `No valid rows to send: ${checked.invalidRows} of ${checked.rowsRead} rows are invalid. Nothing was sent.` };
  }

  const config = getConfig();
  const { db } = getRuntime();
  const runId = createRun(db, {
    source: 'csv',
    sdkAppId: config.sdkAppId,
    region: config.region,
    operator: input.actor.username,
    file: { name: input.fileName, rowsRead: checked.rowsRead, invalidRows: checked.invalidRows, duplicateRows: checked.duplicateRows },
    users: targetsOf(checked.users),
  });
  audit(db, {
    action: 'run-started',
    operator: input.actor.username,
    clientIp: input.actor.clientIp,
    runId,
    detail: `csv ${input.fileName}, ${checked.users.size} users, ${checked.invalidRows} invalid rows`,
  });
  log.info('run.started', { runId, source: 'csv', users: checked.users.size, invalidRows: checked.invalidRows });
  getWorker().start(runId);
  return { ok: true, runId, users: checked.users.size };
}

/** "Retry failed users": a new background run of the users whose failure a retry can fix, and those never sent. */
export function startRetryRun(parentId: number, actor: Actor): StartResult {
  const { db } = getRuntime();
  const retryKeys = failureGroups(db, parentId)
    .filter((g) => describeFailure(g).handling !== 'permanent')
    .map((g) => g.key);
  const config = getConfig();
  const created = createRetryRun(db, parentId, retryKeys, { sdkAppId: config.sdkAppId, region: config.region, operator: actor.username });
  if (created === null) return { ok: false, error: 'No user in this run failed in a way a retry can fix, and none is waiting to be sent.' };
  audit(db, {
    action: 'run-retried',
    operator: actor.username,
    clientIp: actor.clientIp,
    runId: created.runId,
    detail: `retry of run ${parentId}, ${created.users} users`,
  });
  log.info('run.started', { runId: created.runId, source: 'retry', parentRunId: parentId, users: created.users });
  getWorker().start(created.runId);
  return { ok: true, ...created };
}

/** Cancel: the worker stops sending new batches; recorded in the audit log. */
export function cancelRun(runId: number, actor: Actor): boolean {
  const cancelled = getWorker().cancel(runId);
  if (cancelled) audit(getRuntime().db, { action: 'run-cancelled', operator: actor.username, clientIp: actor.clientIp, runId });
  return cancelled;
}
