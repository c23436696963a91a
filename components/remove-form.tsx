'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useTranslations } from 'next-intl';
import Link from 'next/link';
import { useEffect, useRef, useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { checkValuesAction, removeAttributesAction } from '@/lib/actions/remove';
import type { AppSummary } from '@/lib/apps/registry';
import { needsTypedConfirm } from '@/lib/apps/typed-confirm';
import type { ActionResult } from '@/lib/entry/action';
import type { RemovedNow } from '@/lib/use-cases/remove-now';
import { removeFormSchema, type RemoveFormValues } from '@/lib/schemas/remove-form';
import { newRequestKey } from '@/lib/schemas/request-key';
import { parseUserIdList } from '@/lib/user-ids';
import { AttributePicker } from './attribute-picker';
import { AttrCounts, CurrentValuesTable } from './check-result';
import { FailureSummary } from './failure-summary';
import { ResultsTable } from './results-table';
import { ConfirmPanel } from './confirm-panel';
import { RemovalResult } from './removal-result';

/** The typed IDs outlive the form: switching app remounts it (the attributes are the new app's), and a reload should not lose a pasted list either. */
const USER_IDS_KEY = 'remove:userIds';

interface Pending {
  values: RemoveFormValues;
  userCount: number;
  duplicates: string[];
}

export function RemoveForm({ app, attrNames }: { app: AppSummary; attrNames: string[] }) {
  const t = useTranslations('forms.removeForm');
  const form = useForm<RemoveFormValues>({
    resolver: zodResolver(removeFormSchema),
    defaultValues: { userIds: '', attrs: [], appId: app.id },
  });
  const { errors } = form.formState;
  const [confirming, setConfirming] = useState<Pending | null>(null);
  const [result, setResult] = useState<ActionResult<RemovedNow> | null>(null);
  const [sending, startSending] = useTransition();
  const resultHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (result) resultHeading.current?.focus();
  }, [result]);

  useEffect(() => {
    const kept = sessionStorage.getItem(USER_IDS_KEY);
    if (kept) form.setValue('userIds', kept);
    return form.subscribe({ formState: { values: true }, callback: ({ values }) => sessionStorage.setItem(USER_IDS_KEY, values.userIds) });
  }, [form]);

  const review = form.handleSubmit((values) => {
    const { ids, duplicates } = parseUserIdList(values.userIds);
    setResult(null);
    setConfirming({ values: { ...values, requestKey: newRequestKey() }, userCount: ids.length, duplicates });
  });

  const show = (outcome: ActionResult<RemovedNow>) => {
    setResult(outcome);
    if (!outcome.ok && outcome.fieldErrors) {
      for (const [field, messages] of Object.entries(outcome.fieldErrors)) {
        if (messages?.[0]) form.setError(field as keyof RemoveFormValues, { message: messages[0] });
      }
    }
  };

  const confirm = (typedAppName: string | undefined) => {
    if (!confirming) return;
    const { values } = confirming;
    startSending(async () => {
      const outcome = await removeAttributesAction({ ...values, typedAppName });
      setConfirming(null);
      show(outcome);
    });
  };

  // A dry run changes nothing, so it needs no confirm step; the form keeps its input for the removal.
  const check = form.handleSubmit((values) => {
    setResult(null);
    startSending(async () => show(await checkValuesAction({ ...values, requestKey: newRequestKey() })));
  });

  return (
    <div className="space-y-8">
      <form onSubmit={review} noValidate className="space-y-6" aria-describedby="remove-form-help">
        <p id="remove-form-help" className="text-sm text-slate-700">
          {t('help')}
        </p>
        <div>
          <label htmlFor="userIds" className="block font-medium">
            {t('userIdsLabel')}
          </label>
          <p id="userIds-hint" className="text-sm text-slate-600">
            {t('userIdsHint')}
          </p>
          <textarea
            id="userIds"
            rows={8}
            spellCheck={false}
            autoComplete="off"
            className="mt-1 w-full rounded border border-slate-400 bg-white p-2 font-mono text-sm"
            aria-invalid={errors.userIds ? true : undefined}
            aria-describedby={errors.userIds ? 'userIds-hint userIds-error' : 'userIds-hint'}
            disabled={confirming !== null || sending}
            {...form.register('userIds')}
          />
          {errors.userIds && (
            <p id="userIds-error" className="mt-1 text-sm text-red-800">
              {errors.userIds.message}
            </p>
          )}
        </div>

        <AttributePicker
          names={attrNames}
          disabled={confirming !== null || sending}
          error={errors.attrs?.message}
          register={form.register('attrs')}
        />

        {confirming === null && (
          <div className="flex flex-wrap gap-3">
            <button type="submit" disabled={sending} className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60">
              {t('removeAttributes')}
            </button>
            <button
              type="button"
              onClick={() => void check()}
              disabled={sending}
              className="rounded border border-blue-700 bg-white px-4 py-2 font-medium text-blue-800 disabled:opacity-60"
            >
              {t('checkCurrentValues')}
            </button>
          </div>
        )}
        <p role="status" className="text-sm">
          {sending && confirming === null ? t('readingValues') : ''}
        </p>
      </form>

      {confirming && (
        <ConfirmPanel
          id="confirm-heading"
          app={app}
          onConfirm={confirm}
          onBack={() => setConfirming(null)}
          busy={sending}
          busyText={t('removing', { count: confirming.userCount })}
          askAppName={needsTypedConfirm(app, confirming.userCount)}
        >
          <p className="mt-2">
            {t.rich('confirmSummary', {
              attrs: confirming.values.attrs.join(', '),
              count: confirming.userCount,
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
          </p>
          {confirming.duplicates.length > 0 && (
            <p className="mt-1 text-sm">
              {t('duplicatesMerged', { count: confirming.duplicates.length, ids: confirming.duplicates.slice(0, 10).join(', ') })}
              {confirming.duplicates.length > 10 ? '…' : ''}
            </p>
          )}
        </ConfirmPanel>
      )}

      {result && !result.ok && (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-900">
          {result.message}
        </div>
      )}
      {result?.ok && result.value.check && (
        <section aria-labelledby="result-heading" className="space-y-4">
          <h2 id="result-heading" ref={resultHeading} tabIndex={-1} className="text-lg font-semibold">
            {t('dryRunHeading', { runId: result.value.run.id })}
          </h2>
          <AttrCounts counts={result.value.check.counts} />
          <FailureSummary groups={result.value.failures} />
          {result.value.rows.some((r) => r.result === 'failed') && (
            <ResultsTable rows={result.value.rows.filter((r) => r.result === 'failed')} caption={t('unreadableCaption')} />
          )}
          <CurrentValuesTable values={result.value.check.values} caption={t('currentValuesCaption')} />
          <p className="text-sm">{t('dryRunNext')}</p>
          <p>
            <Link href={`/history/${result.value.run.id}`} className="text-blue-800 underline">
              {t('openDryRun', { runId: result.value.run.id })}
            </Link>
          </p>
        </section>
      )}
      {result?.ok && !result.value.check && (
        <section aria-labelledby="result-heading" className="space-y-4">
          <h2 id="result-heading" ref={resultHeading} tabIndex={-1} className="text-lg font-semibold">
            {t('resultHeading', { runId: result.value.run.id })}
          </h2>
          <RemovalResult run={result.value.run} rows={result.value.rows} failures={result.value.failures} withBefore />
          <p>
            <Link href={`/history/${result.value.run.id}`} className="text-blue-800 underline">
              {t('openRun', { runId: result.value.run.id })}
            </Link>
          </p>
        </section>
      )}
    </div>
  );
}
