import 'server-only';
import type { StartRefusal, UploadSummary } from '../uploads/types';
import { STAGED_UPLOAD_TTL_MS } from '../uploads/in-progress';
import { log } from '../log';
import type { StartUploadInput } from '../schemas/upload';
import type { UseCaseContext } from './context';
import { fail, ok, type ErrorCode, type Result } from '../errors';
import { untypedRefusal } from './typed-confirm';

const REFUSALS: Record<Exclude<StartRefusal, 'picks-needed'>, ErrorCode> = { 'not-found': 'upload.notFound', 'not-staged': 'upload.notFound' };

/** An operator sees and starts their own uploads; an admin may start anyone's. */
export function ownsUpload(ctx: UseCaseContext, upload: UploadSummary): boolean {
  return upload.operator === ctx.actor.username || ctx.actor.role === 'admin';
}

/**
 * Start only starts (a removal, or a dry run of the same users): the file was read and its users stored when it was uploaded, so this checks
 * the picks and moves the staged run to running, and the worker sends at once. A second click (the
 * same request key) gets the same run.
 */
export async function startStagedRun(ctx: UseCaseContext, input: StartUploadInput): Promise<Result<{ runId: number; users: number }>> {
  if (!ctx.worker.canSend()) return fail('worker.standby');
  const upload = await ctx.store.uploads.get(input.uploadId);
  if (upload) {
    if (!ownsUpload(ctx, upload) || upload.status !== 'staged') return fail('upload.notFound');
    if (upload.users === 0) return fail('csv.noValidRows', { invalid: upload.invalidRows, rows: upload.rowsRead });
    if ((upload.stagedMs ?? 0) + STAGED_UPLOAD_TTL_MS < ctx.clock.nowMs()) return fail('upload.expired');
    const app = ctx.apps.get(upload.appId);
    if (!app || app.summary.sdkAppId !== upload.sdkAppId) return fail('app.unknown');
    if ((input.kind ?? 'remove') === 'remove') {
      const untyped = untypedRefusal(app.summary, upload.users, input.typedAppName);
      if (untyped) return untyped;
    }
    if (upload.rowsWithoutAttrs > 0 && input.attrs.length === 0) return fail('upload.picksNeeded', { rows: upload.rowsWithoutAttrs });
    if (input.attrs.length > 0) {
      const names = await app.attrNames.load();
      const unknown = names.ok ? input.attrs.filter((a) => !names.names.includes(a)) : [];
      if (unknown.length > 0) {
        const label = app.summary.label;
        return fail('app.attrsChanged', { app: label }, { attrs: { code: 'app.attrsUnknown', params: { app: label, names: unknown.join(', ') } } });
      }
    }
  }

  const { actor } = ctx;
  const kind = input.kind ?? 'remove';
  const started = await ctx.store.uploads.start(
    input.uploadId,
    { picked: upload && upload.rowsWithoutAttrs > 0 ? input.attrs : [], requestKey: input.requestKey, operator: actor.username, kind },
    (users) => ({
      action: kind === 'check' ? 'check-started' : 'run-started',
      operator: actor.username,
      clientIp: actor.clientIp,
      detail: { source: 'csv', users, file: upload?.fileName ?? '', invalidRows: upload?.invalidRows ?? 0 },
    }),
  );
  if (!started.ok) return started.refusal === 'picks-needed' ? fail('upload.picksNeeded', { rows: upload?.rowsWithoutAttrs ?? 0 }) : fail(REFUSALS[started.refusal]);
  if (!started.existing) {
    log.info('run.started', { runId: started.runId, appId: upload?.appId ?? '', source: 'csv', kind });
    void ctx.worker.run(started.runId, 'csv');
  }
  return ok({ runId: started.runId, users: started.users });
}
