'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { audit } from '@/lib/auth/audit';
import { clientIp, currentOperator, isHttps } from '@/lib/auth/request';
import { endSession, SESSION_COOKIE } from '@/lib/auth/sessions';
import { signIn } from '@/lib/auth/sign-in';
import { getConfig } from '@/lib/config';
import { getRuntime } from '@/lib/runtime';
import { safeNext, signInSchema, type SignInValues } from '@/lib/schemas/sign-in';

export async function signInAction(values: SignInValues): Promise<{ ok: false; error: string }> {
  const parsed = signInSchema.safeParse(values);
  if (!parsed.success) return { ok: false, error: 'Enter your username and password.' };
  const result = await signIn(
    getRuntime().db,
    { username: parsed.data.username, password: parsed.data.password, clientIp: await clientIp() },
    { secret: getConfig().sessionSecret.reveal() },
  );
  if (!result.ok) return result;
  (await cookies()).set(SESSION_COOKIE, result.cookie, { httpOnly: true, sameSite: 'lax', secure: await isHttps(), path: '/' });
  redirect(safeNext(parsed.data.next));
}

export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  const operator = await currentOperator();
  endSession(getRuntime().db, jar.get(SESSION_COOKIE)?.value, getConfig().sessionSecret.reveal());
  if (operator) audit(getRuntime().db, { action: 'sign-out', operator: operator.username, clientIp: await clientIp() });
  jar.delete(SESSION_COOKIE);
  redirect('/login');
}
