'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { signInAction } from '@/app/login/actions';
import { signInSchema, type SignInValues } from '@/lib/schemas/sign-in';

export function SignInForm({ next }: { next?: string }) {
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
    <form onSubmit={submit} noValidate className="max-w-sm space-y-4">
      <div>
        <label htmlFor="username" className="block font-medium">
          Username
        </label>
        <input
          id="username"
          autoComplete="username"
          className="mt-1 w-full rounded border border-slate-400 bg-white p-2"
          aria-invalid={errors.username ? true : undefined}
          aria-describedby={errors.username ? 'username-error' : undefined}
          {...form.register('username')}
        />
        {errors.username && (
          <p id="username-error" className="mt-1 text-sm text-red-800">
            {errors.username.message}
          </p>
        )}
      </div>
      <div>
        <label htmlFor="password" className="block font-medium">
          Password
        </label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          className="mt-1 w-full rounded border border-slate-400 bg-white p-2"
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? 'password-error' : undefined}
          {...form.register('password')}
        />
        {errors.password && (
          <p id="password-error" className="mt-1 text-sm text-red-800">
            {errors.password.message}
          </p>
        )}
      </div>
      <button type="submit" disabled={pending} className="rounded bg-blue-700 px-4 py-2 font-medium text-white disabled:opacity-60">
        Sign in
      </button>
      {error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-900">
          {error}
        </p>
      )}
    </form>
  );
}
