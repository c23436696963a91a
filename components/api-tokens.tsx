'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { createTokenAction, revokeTokenAction } from '@/lib/actions/tokens';
import { createTokenSchema, TOKEN_LIFETIMES_DAYS, type CreateTokenValues } from '@/lib/schemas/tokens';
import { RowActionButton, ShownOnce } from './row-action-button';
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
      {made && <ShownOnce id="new-token" heading={t('made', { name: made.name })} label={t('copyNow')} value={made.token} />}
    </form>
  );
}

/** Named "Revoke" in every row; the token it revokes is its description. */
export function RevokeTokenButton({ id, name }: { id: number; name: string }) {
  const t = useTranslations('forms.tokens');
  return <RowActionButton id={`token-${id}`} label={t('revoke')} description={name} act={() => revokeTokenAction({ id })} />;
}
