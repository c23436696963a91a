'use server';

import { z } from 'zod';
import { authorizeAction, clientIp } from '@/lib/auth/request';
import { cancelRun, startCsvRun, type StartResult } from '@/lib/jobs/start-bulk';
import { runIdSchema, startBulkSchema } from '@/lib/schemas/bulk';

export async function startBulkRunAction(formData: FormData): Promise<StartResult> {
  const auth = await authorizeAction('operator');
  if (!auth.ok) return auth;
  if (!(formData instanceof FormData)) return { ok: false, error: 'Send the CSV file as a form upload.' };
  const parsed = startBulkSchema.safeParse({ file: formData.get('file'), attrs: formData.getAll('attrs'), requestKey: formData.get('requestKey') ?? undefined });
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  const { file, attrs, requestKey } = parsed.data;
  return startCsvRun({
    fileName: file.name,
    text: await file.text(),
    pickedAttrs: attrs,
    requestKey,
    actor: { username: auth.operator.username, clientIp: await clientIp() },
  });
}

export async function cancelRunAction(runId: number): Promise<{ ok: boolean; error?: string }> {
  const auth = await authorizeAction('operator');
  if (!auth.ok) return auth;
  const id = runIdSchema.safeParse(runId);
  if (!id.success) return { ok: false, error: 'Unknown run.' };
  return cancelRun(id.data, { username: auth.operator.username, clientIp: await clientIp() });
}
