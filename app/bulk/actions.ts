'use server';

import { z } from 'zod';
import { getWorker } from '@/lib/jobs/worker';
import { startCsvRun, type StartResult } from '@/lib/jobs/start-bulk';
import { runIdSchema, startBulkSchema } from '@/lib/schemas/bulk';

export async function startBulkRunAction(formData: FormData): Promise<StartResult> {
  // Sign-in and roles arrive with the operators issue; until then the console trusts its network.
  const parsed = startBulkSchema.safeParse({ file: formData.get('file'), attrs: formData.getAll('attrs') });
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  const { file, attrs } = parsed.data;
  return startCsvRun({ fileName: file.name, text: await file.text(), pickedAttrs: attrs, operator: null });
}

export async function cancelRunAction(runId: number): Promise<{ ok: boolean; error?: string }> {
  const id = runIdSchema.safeParse(runId);
  if (!id.success) return { ok: false, error: 'Unknown run.' };
  return getWorker().cancel(id.data) ? { ok: true } : { ok: false, error: 'The run has already finished.' };
}
