import 'server-only';
import { csvLine } from '../csv/export';
import { hasRole } from '../auth/roles';
import type { RunKind } from '../runs/state-machine';
import { ENGLISH } from '../messages/catalogues';
import { formatValues, presentUser } from '../results/present';
import type { RunRef } from '../schemas/bulk';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';

const PAGE = 5000;
export const EXPORT_COLUMNS = ['user', 'attributes', 'result', 'code', 'explanation', 'server_info'] as const;
/** The column of kept values each kind of run adds, for operators and admins only. */
export const VALUES_COLUMN: Readonly<Record<RunKind, string>> = { remove: 'before', check: 'current_values', restore: 'restored_values' };

/**
 * Every user of a run (or only its failed users) as CSV lines, or as NDJSON (one object per user,
 * keyed by the CSV's columns, for the API), a page at a time, so a million rows never sit in
 * memory. The export is audited.
 */
export async function exportRun(
  ctx: UseCaseContext,
  input: RunRef & { failedOnly?: boolean; format?: 'csv' | 'ndjson' },
): Promise<Result<{ fileName: string; lines: AsyncIterable<string> }>> {
  const { store, actor } = ctx;
  const run = await store.runs.get(input.runId);
  if (!run) return fail('run.notFound');
  await store.audit.record({ action: 'export', operator: actor.username, clientIp: actor.clientIp, runId: run.id });
  const withValues = hasRole(actor.role, 'operator');
  const columns = withValues ? [...EXPORT_COLUMNS, VALUES_COLUMN[run.kind]] : [...EXPORT_COLUMNS];
  const ndjson = input.format === 'ndjson';
  const line = ndjson ? (cells: string[]) => `${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, cells[i]])))}\n` : csvLine;
  async function* lines(): AsyncGenerator<string> {
    if (!ndjson) yield csvLine(columns);
    for (let after = 0; ; ) {
      const users = await store.runs.users(run!.id, { afterSeq: after, limit: PAGE, filter: input.failedOnly ? { result: 'failed' } : undefined });
      if (users.length === 0) return;
      after = users[users.length - 1]!.seq;
      yield users
        .map((u) => {
          // Column names, results and codes read the same in every language; only the explanation is the exporter's.
          const stable = presentUser(u, run!, ENGLISH);
          const explanation = ctx.messages === ENGLISH ? stable.explanation : presentUser(u, run!, ctx.messages).explanation;
          const cells = [stable.user, u.attrs.join(';'), stable.resultText, stable.code, explanation, stable.serverInfo];
          return line(withValues ? [...cells, formatValues(u.values)] : cells);
        })
        .join('');
    }
  }
  return ok({ fileName: `run-${run.id}-${input.failedOnly ? 'failed' : 'results'}.${ndjson ? 'ndjson' : 'csv'}`, lines: lines() });
}
