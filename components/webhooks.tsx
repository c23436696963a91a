'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useLocale, useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { addWebhookAction, removeWebhookAction } from '@/lib/actions/webhooks';
import { LOCALE_NAMES, LOCALES, type Locale } from '@/lib/messages/locales';
import { addWebhookSchema, type AddWebhookValues } from '@/lib/schemas/webhooks';
import { RowActionButton, ShownOnce } from './row-action-button';
import { TextField } from './text-field';

/** Adding a webhook: its signing secret is shown here once. */
export function AddWebhookForm() {
  const t = useTranslations('forms.webhooks');
  const locale = useLocale() as Locale;
  const form = useForm<AddWebhookValues>({ resolver: zodResolver(addWebhookSchema), defaultValues: { url: '', locale } });
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const { errors } = form.formState;
  const submit = form.handleSubmit((values) =>
    start(async () => {
      const r = await addWebhookAction(values);
      setSecret(r.ok ? r.value.secret : null);
      setError(r.ok ? null : r.message);
      if (r.ok) form.reset({ url: '', locale });
    }),
  );
  return (
    <form method="post" onSubmit={submit} noValidate aria-labelledby="add-webhook-heading" className="space-y-3 rounded border border-slate-300 bg-white p-4">
      <h2 id="add-webhook-heading" className="text-lg font-semibold">
        {t('heading')}
      </h2>
      <p className="text-sm">{t('hint')}</p>
      <div className="flex flex-wrap gap-4">
        <TextField id="webhook-url" label={t('url')} autoComplete="off" compact error={errors.url?.message} registration={form.register('url')} />
        <div>
          <label htmlFor="webhook-locale" className="block text-sm font-medium">
            {t('language')}
          </label>
          <select id="webhook-locale" className="mt-1 rounded border border-slate-400 bg-white p-2" {...form.register('locale')}>
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {LOCALE_NAMES[l]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <button type="submit" disabled={pending} className="rounded bg-blue-700 px-4 py-2 font-medium text-white disabled:opacity-60">
        {t('add')}
      </button>
      {error && (
        <p role="alert" className="text-red-800">
          {error}
        </p>
      )}
      {secret && <ShownOnce id="webhook-secret" heading={t('added')} label={t('secretNow')} value={secret} />}
    </form>
  );
}

/** Named "Remove webhook" in every row; the URL it removes is its description. */
export function RemoveWebhookButton({ id, url }: { id: number; url: string }) {
  const t = useTranslations('forms.webhooks');
  return <RowActionButton id={`webhook-${id}`} label={t('remove')} description={url} act={() => removeWebhookAction({ id })} />;
}
