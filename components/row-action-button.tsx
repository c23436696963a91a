'use client';

import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/entry/action';

/**
 * A button in a table row that calls one server action, named the same in every row (so tests
 * and screen readers find "Revoke") and described by what the row is about. A refusal is shown beside it.
 */
export function RowActionButton({ id, label, description, act }: { id: string; label: string; description: string; act: () => Promise<ActionResult<unknown>> }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const describedBy = `${id}-about`;
  return (
    <span className="flex flex-wrap items-center gap-2">
      <span id={describedBy} className="sr-only">
        {description}
      </span>
      <button
        type="button"
        disabled={pending}
        aria-describedby={describedBy}
        onClick={() =>
          start(async () => {
            const r = await act();
            setError(r.ok ? null : r.message);
          })
        }
        className="rounded border border-slate-400 bg-white px-2 py-1 text-sm"
      >
        {label}
      </button>
      {error && (
        <span role="alert" className="text-sm text-red-800">
          {error}
        </span>
      )}
    </span>
  );
}

/** A secret handed back once (a token, a webhook's signing secret): selected on focus, never shown again. */
export function ShownOnce({ id, heading, label, value }: { id: string; heading: string; label: string; value: string }) {
  return (
    <div role="status" className="space-y-2 rounded border border-emerald-300 bg-emerald-50 p-3">
      <p className="font-medium text-emerald-900">{heading}</p>
      <label htmlFor={id} className="block text-sm">
        {label}
      </label>
      <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} className="w-full rounded border border-slate-400 bg-white p-2 font-mono text-sm" />
    </div>
  );
}
