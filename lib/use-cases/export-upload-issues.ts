import 'server-only';
import { csvLine } from '../csv/export';
import { csvMessage } from '../messages/translate';
import type { UploadRef } from '../schemas/upload';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';
import { ownsUpload } from './start-staged-run';

const PAGE = 5000;

/** A staged upload's invalid rows (up to MAX_ISSUES_KEPT) as CSV lines, a page at a time. */
export async function exportUploadIssues(ctx: UseCaseContext, input: UploadRef): Promise<Result<{ fileName: string; lines: AsyncIterable<string> }>> {
  const upload = await ctx.store.uploads.get(input.uploadId);
  if (!upload || !ownsUpload(ctx, upload)) return fail('upload.notFound');
  const { store } = ctx;
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(['line', 'problem']);
    for (let after = 0; ; ) {
      const issues = await store.uploads.issues(input.uploadId, { afterLine: after, limit: PAGE });
      if (issues.length === 0) return;
      after = issues[issues.length - 1]!.line;
      yield issues.map((i) => csvLine([String(i.line), csvMessage(i, ctx.messages)])).join('');
    }
  }
  return ok({ fileName: `${upload.fileName.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_')}-invalid-rows.csv`, lines: lines() });
}
