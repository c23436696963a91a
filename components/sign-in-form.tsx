'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslations } from 'next-intl';
import { startTransition, useActionState, useEffect, type FormEvent } from 'react';
import { useForm } from 'react-hook-form';
import { signInAction } from '@/lib/actions/sign-in';
import { signInSchema, type SignInState, type SignInValues } from '@/lib/schemas/sign-in';
import { TextField } from './text-field';

const NOTHING_YET: SignInState = { error: null };

/**
 * A server-action form: posted before the page is interactive, or with scripts off, it still
 * signs in (React renders the action's id into the form). Once scripts run, the fields are checked
 * here first and the same action is called in a transition.
 */
export function SignInForm({ next }: { next?: string }) {
  const t = useTranslations('forms.signInForm');
  const [state, signIn, pending] = useActionState(signInAction, NOTHING_YET);
  const form = useForm<SignInValues>({ resolver: zodResolver(signInSchema), defaultValues: { username: '', password: '', next } });
  const { errors } = form.formState;

  useEffect(() => {
    if (state.error) form.resetField('password');
  }, [state, form]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    // Read now: the event's form is gone once validation has awaited.
    const fields = new FormData(event.currentTarget);
    void form.handleSubmit(() => startTransition(() => signIn(fields)))(event);
  };

  return (
    <form action={signIn} onSubmit={submit} noValidate className="max-w-sm space-y-4">
      {next && <input type="hidden" name="next" value={next} />}
      <TextField id="username" label={t('username')} autoComplete="username" error={errors.username?.message} registration={form.register('username')} />
      <TextField
        id="password"
        label={t('password')}
        type="password"
        autoComplete="current-password"
        error={errors.password?.message}
        registration={form.register('password')}
      />
      <button type="submit" disabled={pending} className="rounded bg-blue-700 px-4 py-2 font-medium text-white disabled:opacity-60">
        {t('signIn')}
      </button>
      {state.error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-900">
          {state.error}
        </p>
      )}
    </form>
  );
}
