'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { clientIp, currentOperator, isHttps } from '@/lib/entry/request';
import { KNOWN_DEVICE_COOKIE, KNOWN_DEVICE_DAYS } from '@/lib/auth/known-device';
import { SESSION_COOKIE } from '@/lib/auth/sessions';
import { errorMessage } from '@/lib/messages/translate';
import { safeNext, signInSchema, type SignInState } from '@/lib/schemas/sign-in';
import { requestMessages } from '@/lib/entry/locale';
import { operatorContext } from '@/lib/entry/operator-context';
import { publicContext } from '@/lib/entry/context';
import { signInOperator, signOutOperator } from '@/lib/use-cases/sign-in';

/**
 * Anyone may try: no role to check, so this adapter is not built on the action client. It takes
 * the form's own fields, so a form posted before the page is interactive, or with scripts off,
 * signs in the same way (Next.js answers that post with the redirect, or the page with the error).
 */
export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const messages = await requestMessages();
  // Anyone can call the action with arguments of their own making.
  if (!(form instanceof FormData)) return { error: errorMessage({ code: 'input.invalid' }, messages) };
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const parsed = signInSchema.safeParse({ username: field('username') ?? '', password: field('password') ?? '', next: field('next') || undefined });
  if (!parsed.success) return { error: errorMessage({ code: 'input.invalid' }, messages) };
  const jar = await cookies();
  const result = await signInOperator(publicContext(messages), { ...parsed.data, clientIp: await clientIp(), knownDevice: jar.get(KNOWN_DEVICE_COOKIE)?.value });
  if (!result.ok) return { error: errorMessage(result.error, messages) };
  const secure = await isHttps();
  jar.set(SESSION_COOKIE, result.value.cookie, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  jar.set(KNOWN_DEVICE_COOKIE, result.value.knownDevice, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: KNOWN_DEVICE_DAYS * 86_400 });
  redirect(safeNext(parsed.data.next, result.value.role));
}

export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  const operator = await currentOperator();
  const ctx = operator ? await operatorContext(operator) : publicContext(await requestMessages());
  await signOutOperator(ctx, jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect('/login');
}
