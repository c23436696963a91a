'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { changeOperatorAction } from '@/lib/actions/operators';
import { addOperatorFormSchema, type AddOperatorValues } from '@/lib/schemas/operators';
import { TextField } from './text-field';

export function AddOperatorForm() {
  const t = useTranslations('forms.addOperatorForm');
  const form = useForm<AddOperatorValues>({ resolver: zodResolver(addOperatorFormSchema), defaultValues: { username: '', password: '', role: 'viewer' } });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  const { errors } = form.formState;
  const submit = form.handleSubmit((values) =>
    start(async () => {
      const r = await changeOperatorAction({ kind: 'add', ...values });
      setMessage(r.ok ? { ok: true, text: t('done', { username: r.value.username }) } : { ok: false, text: r.message });
      if (r.ok) form.reset();
    }),
  );
  return (
    <form method="post" onSubmit={submit} noValidate aria-labelledby="add-operator-heading" className="space-y-3 rounded border border-slate-300 bg-white p-4">
      <h2 id="add-operator-heading" className="text-lg font-semibold">
        {t('heading')}
      </h2>
      <div className="flex flex-wrap gap-4">
        <TextField id="new-username" label={t('newUsername')} autoComplete="off" compact error={errors.username?.message} registration={form.register('username')} />
        <TextField
          id="new-password"
          label={t('initialPassword')}
          type="password"
          autoComplete="new-password"
          compact
          error={errors.password?.message}
          registration={form.register('password')}
        />
        <div>
          <label htmlFor="new-role" className="block text-sm font-medium">
            {t('role')}
          </label>
          <select id="new-role" className="mt-1 rounded border border-slate-400 bg-white p-2" {...form.register('role')}>
            <option value="viewer">{t('roles.viewer')}</option>
            <option value="operator">{t('roles.operator')}</option>
            <option value="admin">{t('roles.admin')}</option>
          </select>
        </div>
      </div>
      <button type="submit" disabled={pending} className="rounded bg-blue-700 px-4 py-2 font-medium text-white disabled:opacity-60">
        {t('submit')}
      </button>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'text-emerald-800' : 'text-red-800'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
