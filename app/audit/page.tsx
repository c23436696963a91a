import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { AUDIT_ACTIONS } from '@/lib/audit/actions';
import { auditActionLabel, auditDetailMessage } from '@/lib/messages/translate';
import { pageContext } from '@/lib/entry/page';
import { auditEntries } from '@/lib/queries/admin';
import { formatDateTime } from '@/lib/messages/format';
import { auditSearchSchema, readSearchParams, type RawSearchParams } from '@/lib/schemas/search-params';
import { DataTable } from '@/components/data-table';

export const dynamic = 'force-dynamic';
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('audit') };
}

const PAGE = 200;

export default async function AuditPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageContext('admin', '/audit');
  const t = await getTranslations('pages.audit');
  const q = readSearchParams(auditSearchSchema, await searchParams);
  const action = AUDIT_ACTIONS.find((a) => a === q.action);
  const operator = q.operator;
  const entries = await auditEntries(ctx, { action, operator, beforeId: q.before, limit: PAGE });
  const next = entries.length === PAGE ? entries[entries.length - 1]!.id : null;
  const qs = (before: number) => new URLSearchParams({ ...(action ? { action } : {}), ...(operator ? { operator } : {}), before: String(before) }).toString();

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <form action="/audit" className="flex flex-wrap items-end gap-3" aria-label={t('filterLabel')}>
        <div>
          <label htmlFor="audit-action" className="block text-sm font-medium">
            {t('action')}
          </label>
          <select id="audit-action" name="action" defaultValue={action ?? ''} className="mt-1 rounded border border-slate-400 bg-white p-2">
            <option value="">{t('anyAction')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {auditActionLabel(a, ctx.messages)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-operator" className="block text-sm font-medium">
            {t('operator')}
          </label>
          <input id="audit-operator" name="operator" defaultValue={operator ?? ''} className="mt-1 rounded border border-slate-400 p-2" />
        </div>
        <button type="submit" className="rounded border border-slate-400 bg-white px-4 py-2 font-medium">
          {t('applyFilter')}
        </button>
      </form>
      <DataTable
        caption={t('caption')}
        columns={[t('columns.time'), t('columns.action'), t('columns.operator'), t('columns.clientAddress'), t('columns.run'), t('columns.detail')]}
      >
        {entries.map((e) => (
          <tr key={e.id} className="border-t border-slate-100">
            <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(e.at)}</td>
            <td className="px-3 py-2">{auditActionLabel(e.action, ctx.messages)}</td>
            <td className="px-3 py-2 font-mono">{e.operator ?? '—'}</td>
            <td className="px-3 py-2 font-mono">{e.clientIp ?? '—'}</td>
            <td className="px-3 py-2">
              {e.runId !== null ? (
                <Link href={`/history/${e.runId}`} className="text-blue-800 underline">
                  #{e.runId}
                </Link>
              ) : (
                '—'
              )}
            </td>
            <td className="px-3 py-2">{auditDetailMessage(e.action, e.detail, ctx.messages)}</td>
          </tr>
        ))}
      </DataTable>
      {next !== null && (
        <Link href={`/audit?${qs(next)}`} className="text-blue-800 underline">
          {t('olderEntries')}
        </Link>
      )}
    </div>
  );
}
