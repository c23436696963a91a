import 'server-only';
import { audit, type Actor } from '../auth/audit';
import { getConfig } from '../config';
import { createRetryRun, createRun, failureGroups, requestCancel, type CancelRefusal, type RetryRefusal } from '../db/runs';
import { validateCsvText } from '../csv/parse';
import { targetsOf, type CsvValidation } from '../csv/validate';
import { log } from '../log';
import { describeFailure } from '../results/present';
import { getRuntime } from '../runtime';
import { loadAttrNames } from '../tim/attr-names';
import { isRetryable } from '../runs/state-machine';
import { getWorker, STANDBY_REFUSAL } from './worker';

export type StartResult = { ok: true; runId: number; users: number } | { ok: false; error: string };

/**
 * The server's own gate for a CSV upload: the browser preview is a convenience, so the file is
 * parsed and validated again here before a single user is stored or sent.
 */
export async function startCsvRun(input: {
  fileName: string;
  text: string;
  pickedAttrs: string[];
  actor: Actor;
  requestKey?: string;
}): Promise<StartResult> {
  if (!getWorker().canSend()) return { ok: false, error: STANDBY_REFUSAL };
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
  const { runId, existing } = createRun(db, {
    requestKey: input.requestKey,
    source: 'csv',
    sdkAppId: config.sdkAppId,
    region: config.region,
    operator: input.actor.username,
    file: { name: input.fileName, rowsRead: checked.rowsRead, invalidRows: checked.invalidRows, duplicateRows: checked.duplicateRows },
    users: targetsOf(checked.users),
  });
  if (existing) return { ok: true, runId, users: checked.users.size };
  audit(db, {
    action: 'run-started',
    operator: input.actor.username,
    clientIp: input.actor.clientIp,
    runId,
    detail: `csv ${input.fileName}, ${checked.users.size} users, ${checked.invalidRows} invalid rows`,
  });
  log.info('run.started', { runId, source: 'csv', users: checked.users.size, invalidRows: checked.invalidRows });
  void getWorker().run(runId, 'csv');
  return { ok: true, runId, users: checked.users.size };
}

/** "Retry failed users": a new background run of the users whose failure a retry can fix, and those never sent. */
export function startRetryRun(parentId: number, actor: Actor): StartResult {
  if (!getWorker().canSend()) return { ok: false, error: STANDBY_REFUSAL };
  const { db } = getRuntime();
  const retryKeys = failureGroups(db, parentId)
    .filter((g) => isRetryable(describeFailure(g).handling))
    .map((g) => g.key);
  const config = getConfig();
  const created = createRetryRun(db, parentId, retryKeys, { sdkAppId: config.sdkAppId, region: config.region, operator: actor.username });
  if (!created.ok) return { ok: false, error: RETRY_REFUSALS[created.refusal] };
  if (created.existing) return { ok: true, runId: created.runId, users: created.users };
  audit(db, {
    action: 'run-retried',
    operator: actor.username,
    clientIp: actor.clientIp,
    runId: created.runId,
    detail: `retry of run ${parentId}, ${created.users} users`,
  });
  log.info('run.started', { runId: created.runId, source: 'retry', parentRunId: parentId, users: created.users });
  void getWorker().run(created.runId, 'retry');
  return { ok: true, runId: created.runId, users: created.users };
}

const RETRY_REFUSALS: Record<RetryRefusal, string> = {
  'not-found': 'Unknown run.',
  'still-running': 'This run is still going: wait for it to finish (or cancel it), then retry its failed users.',
  'nothing-to-retry': 'No user in this run failed in a way a retry can fix, and none is waiting to be sent.',
};

const CANCEL_REFUSALS: Record<CancelRefusal, string> = {
  'not-found': 'Unknown run.',
  'not-running': 'The run has already finished.',
  'form-run': 'A form run cannot be cancelled: it finishes within seconds.',
};

/**
 * Cancel: recorded in the database, which the sending process reads before every request; the
 * batches in flight finish and the rest become "not sent". Recorded in the audit log.
 */
export function cancelRun(runId: number, actor: Actor): { ok: true } | { ok: false; error: string } {
  const { db } = getRuntime();
  const asked = requestCancel(db, runId);
  if (!asked.ok) return { ok: false, error: CANCEL_REFUSALS[asked.refusal] };
  audit(db, { action: 'run-cancelled', operator: actor.username, clientIp: actor.clientIp, runId });
  return { ok: true };
}
