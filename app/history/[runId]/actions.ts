'use server';

import { redirect } from 'next/navigation';
import { authorizeAction, clientIp } from '@/lib/auth/request';
import { startRetryRun } from '@/lib/jobs/start-bulk';
import { runIdSchema } from '@/lib/schemas/bulk';

export async function retryFailedAction(runId: number): Promise<{ ok: false; error: string }> {
  const auth = await authorizeAction('operator');
  if (!auth.ok) return auth;
  const id = runIdSchema.safeParse(runId);
  if (!id.success) return { ok: false, error: 'Unknown run.' };
  const started = startRetryRun(id.data, { username: auth.operator.username, clientIp: await clientIp() });
  if (!started.ok) return started;
  redirect(`/history/${started.runId}`);
}
