'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { signInAction } from '@/app/login/actions';
import { signInSchema, type SignInValues } from '@/lib/schemas/sign-in';
import { TextField } from './text-field';

export function SignInForm({ next }: { next?: string }) {
  const t = useTranslations('forms.signInForm');
  const form = useForm<SignInValues>({ resolver: zodResolver(signInSchema), defaultValues: { username: '', password: '', next } });
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const { errors } = form.formState;

  const submit = form.handleSubmit((values) =>
    start(async () => {
      const result = await signInAction(values);
      setError(result.error);
      form.resetField('password');
    }),
  );

  return (
    // POST even before the page is interactive: a GET would put the password in the address.
    <form method="post" onSubmit={submit} noValidate className="max-w-sm space-y-4">
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
      {error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-900">
          {error}
        </p>
      )}
    </form>
  );
}
