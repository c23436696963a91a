import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { AddOperatorForm } from '@/components/add-operator-form';
import { DataTable } from '@/components/data-table';
import { OperatorRowActions } from '@/components/operator-row-actions';
import { pageContext } from '@/lib/entry/page';
import { apiTokens, operatorsWithLockouts, webhooks } from '@/lib/queries/admin';
import { AddWebhookForm, RemoveWebhookButton } from '@/components/webhooks';
import { LOCALE_NAMES } from '@/lib/messages/locales';
import { errorMessage } from '@/lib/messages/translate';
import { deliveryError } from '@/lib/webhooks/types';
import type { ErrorCode } from '@/lib/errors';
import { CreateTokenForm, RevokeTokenButton } from '@/components/api-tokens';
import { formatDateTime } from '@/lib/messages/format';

export const dynamic = 'force-dynamic';
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('operators') };
}

export default async function OperatorsPage() {
  const ctx = await pageContext('admin', '/operators');
  const [operators, tokens, hooks] = await Promise.all([operatorsWithLockouts(ctx), apiTokens(ctx), webhooks(ctx)]);
  const t = await getTranslations('pages.operators');
  const why = (error: string) => {
    const e = deliveryError(error);
    if (e.kind === 'refused') return errorMessage({ code: e.code as ErrorCode }, ctx.messages);
    return e.kind === 'http' ? t('lastDelivery.why.http', { status: e.status }) : t(`lastDelivery.why.${e.kind}`);
  };
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <p className="text-sm">{t.rich('shellHint', { command: 'npm run operators -- reset-password NAME', code: (chunks) => <code>{chunks}</code> })}</p>
      <AddOperatorForm />
      <DataTable
        caption={t('caption')}
        columns={[t('columns.username'), t('columns.role'), t('columns.status'), t('columns.added'), t('columns.actions')]}
      >
        {operators.map((o) => (
          <tr key={o.id} className="border-t border-slate-100">
            <td className="px-3 py-2 font-mono">{o.username}</td>
            <td className="px-3 py-2">{t('role', { role: o.role })}</td>
            <td className="px-3 py-2">{t(o.disabled ? 'status.disabled' : o.lockedOut ? 'status.lockedOut' : 'status.active')}</td>
            <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(o.createdAt)}</td>
            <td className="px-3 py-2">
              <OperatorRowActions operator={o} lockedOut={o.lockedOut} self={o.username === ctx.actor.username} />
            </td>
          </tr>
        ))}
      </DataTable>
      <CreateTokenForm />
      {tokens.length === 0 ? (
        <p className="text-sm">{t('noTokens')}</p>
      ) : (
        <DataTable
          caption={t('tokensCaption')}
          columns={[t('tokenColumns.name'), t('tokenColumns.role'), t('tokenColumns.createdBy'), t('tokenColumns.expires'), t('tokenColumns.status'), t('tokenColumns.actions')]}
        >
          {tokens.map((token) => (
            <tr key={token.id} className="border-t border-slate-100">
              <td className="px-3 py-2 font-mono">{token.name}</td>
              <td className="px-3 py-2">{t('role', { role: token.role })}</td>
              <td className="px-3 py-2 font-mono">{token.createdBy}</td>
              <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(token.expiresAt)}</td>
              <td className="px-3 py-2">{t(token.revokedAt ? 'tokenStatus.revoked' : token.live ? 'tokenStatus.live' : 'tokenStatus.expired')}</td>
              <td className="px-3 py-2">{token.revokedAt === null && <RevokeTokenButton id={token.id} name={token.name} />}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <AddWebhookForm />
      {hooks.length === 0 ? (
        <p className="text-sm">{t('noWebhooks')}</p>
      ) : (
        <DataTable caption={t('webhooksCaption')} columns={[t('webhookColumns.url'), t('webhookColumns.language'), t('webhookColumns.createdBy'), t('webhookColumns.last'), t('webhookColumns.actions')]}>
          {hooks.map((hook) => (
            <tr key={hook.id} className="border-t border-slate-100">
              <td className="px-3 py-2 font-mono break-all">{hook.url}</td>
              <td className="px-3 py-2">{LOCALE_NAMES[hook.locale]}</td>
              <td className="px-3 py-2 font-mono">{hook.createdBy}</td>
              <td className="px-3 py-2">
                {hook.last === null
                  ? t('lastDelivery.none')
                  : hook.last.delivered
                    ? t('lastDelivery.delivered', { status: hook.last.status ?? '', at: formatDateTime(new Date(hook.last.atMs).toISOString()) })
                    : t('lastDelivery.failed', { at: formatDateTime(new Date(hook.last.atMs).toISOString()), why: why(hook.last.error ?? '') })}
              </td>
              <td className="px-3 py-2">
                <RemoveWebhookButton id={hook.id} url={hook.url} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
