'use client';

import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { changeOperatorAction } from '@/lib/actions/operators';
import type { Operator } from '@/lib/auth/types';

/** `self`: the signed-in admin's own row, where Disable and a role change are refused (operators.self), so they are not offered. */
export function OperatorRowActions({ operator, lockedOut, self }: { operator: Operator; lockedOut: boolean; self: boolean }) {
  const t = useTranslations('forms.operatorRowActions');
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (values: Parameters<typeof changeOperatorAction>[0]) =>
    start(async () => {
      const r = await changeOperatorAction(values);
      setError(r.ok ? null : r.message);
    });
  if (self) return <span className="text-sm text-slate-600">{t('self')}</span>;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        disabled={pending}
        onClick={() => run({ kind: operator.disabled ? 'enable' : 'disable', username: operator.username })}
        className="rounded border border-slate-400 bg-white px-2 py-1 text-sm"
      >
        {t(operator.disabled ? 'enable' : 'disable', { username: operator.username })}
      </button>
      {lockedOut && (
        <button
          type="button"
          disabled={pending}
          onClick={() => run({ kind: 'unlock', username: operator.username })}
          className="rounded border border-slate-400 bg-white px-2 py-1 text-sm"
        >
          {t('unlock')}
        </button>
      )}
      <label className="text-sm">
        <span className="sr-only">{t('roleOf', { username: operator.username })}</span>
        <select
          defaultValue={operator.role}
          disabled={pending}
          onChange={(e) => run({ kind: 'role', username: operator.username, role: e.target.value as Operator['role'] })}
          className="rounded border border-slate-400 bg-white p-1"
        >
          <option value="viewer">{t('roles.viewer')}</option>
          <option value="operator">{t('roles.operator')}</option>
          <option value="admin">{t('roles.admin')}</option>
        </select>
      </label>
      {error && (
        <span role="alert" className="text-sm text-red-800">
          {error}
        </span>
      )}
    </div>
  );
}
