'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { createTokenAction, revokeTokenAction } from '@/lib/actions/tokens';
import { createTokenSchema, TOKEN_LIFETIMES_DAYS, type CreateTokenValues } from '@/lib/schemas/tokens';
import { TextField } from './text-field';

/** Creating a token: its text is shown here once, with a button to copy it, and never again. */
export function CreateTokenForm() {
  const t = useTranslations('forms.tokens');
  const form = useForm<CreateTokenValues>({ resolver: zodResolver(createTokenSchema), defaultValues: { name: '', role: 'operator', days: 90 } });
  const [made, setMade] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const { errors } = form.formState;
  const submit = form.handleSubmit((values) =>
    start(async () => {
      const r = await createTokenAction(values);
      setMade(r.ok ? r.value : null);
      setError(r.ok ? null : r.message);
      if (r.ok) form.reset();
    }),
  );
  return (
    <form method="post" onSubmit={submit} noValidate aria-labelledby="create-token-heading" className="space-y-3 rounded border border-slate-300 bg-white p-4">
      <h2 id="create-token-heading" className="text-lg font-semibold">
        {t('heading')}
      </h2>
      <p className="text-sm">{t('hint')}</p>
      <div className="flex flex-wrap gap-4">
        <TextField id="token-name" label={t('name')} autoComplete="off" compact error={errors.name?.message} registration={form.register('name')} />
        <div>
          <label htmlFor="token-role" className="block text-sm font-medium">
            {t('role')}
          </label>
          <select id="token-role" className="mt-1 rounded border border-slate-400 bg-white p-2" {...form.register('role')}>
            <option value="viewer">{t('roles.viewer')}</option>
            <option value="operator">{t('roles.operator')}</option>
            <option value="admin">{t('roles.admin')}</option>
          </select>
        </div>
        <div>
          <label htmlFor="token-days" className="block text-sm font-medium">
            {t('lifetime')}
          </label>
          <select id="token-days" className="mt-1 rounded border border-slate-400 bg-white p-2" {...form.register('days')}>
            {TOKEN_LIFETIMES_DAYS.map((days) => (
              <option key={days} value={days}>
                {t('days', { days })}
              </option>
            ))}
          </select>
        </div>
      </div>
      <button type="submit" disabled={pending} className="rounded bg-blue-700 px-4 py-2 font-medium text-white disabled:opacity-60">
        {t('create')}
      </button>
      {error && (
        <p role="alert" className="text-red-800">
          {error}
        </p>
      )}
      {made && (
        <div role="status" className="space-y-2 rounded border border-emerald-300 bg-emerald-50 p-3">
          <p className="font-medium text-emerald-900">{t('made', { name: made.name })}</p>
          <label htmlFor="new-token" className="block text-sm">
            {t('copyNow')}
          </label>
          <input id="new-token" readOnly value={made.token} onFocus={(e) => e.currentTarget.select()} className="w-full rounded border border-slate-400 bg-white p-2 font-mono text-sm" />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(made.token)} className="rounded border border-slate-400 bg-white px-2 py-1 text-sm">
            {t('copy')}
          </button>
        </div>
      )}
    </form>
  );
}

/** Named "Revoke" in every row; the token it revokes is its description. */
export function RevokeTokenButton({ id, name }: { id: number; name: string }) {
  const t = useTranslations('forms.tokens');
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const describedBy = `token-${id}-name`;
  return (
    <span className="flex flex-wrap items-center gap-2">
      <span id={describedBy} className="sr-only">
        {name}
      </span>
      <button
        type="button"
        disabled={pending}
        aria-describedby={describedBy}
        onClick={() =>
          start(async () => {
            const r = await revokeTokenAction({ id });
            setError(r.ok ? null : r.message);
          })
        }
        className="rounded border border-slate-400 bg-white px-2 py-1 text-sm"
      >
        {t('revoke')}
      </button>
      {error && (
        <span role="alert" className="text-sm text-red-800">
          {error}
        </span>
      )}
    </span>
  );
}
