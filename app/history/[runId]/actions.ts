'use server';

import { redirect } from 'next/navigation';
import { startRetryRun } from '@/lib/jobs/start-bulk';
import { runIdSchema } from '@/lib/schemas/bulk';

export async function retryFailedAction(runId: number): Promise<{ ok: false; error: string }> {
  const id = runIdSchema.safeParse(runId);
  if (!id.success) return { ok: false, error: 'Unknown run.' };
  const started = startRetryRun(id.data, null);
  if (!started.ok) return started;
  redirect(`/history/${started.runId}`);
}
