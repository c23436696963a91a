import type { UseFormRegisterReturn } from 'react-hook-form';

/** A labelled input whose error is read out with it (aria-invalid, aria-describedby). */
export function TextField({
  id,
  label,
  error,
  registration,
  type = 'text',
  autoComplete,
  compact = false,
}: {
  id: string;
  label: string;
  error: string | undefined;
  registration: UseFormRegisterReturn;
  type?: 'text' | 'password';
  autoComplete: string;
  /** For fields side by side in a row rather than stacked full width. */
  compact?: boolean;
}) {
  const errorId = `${id}-error`;
  return (
    <div>
      <label htmlFor={id} className={compact ? 'block text-sm font-medium' : 'block font-medium'}>
        {label}
      </label>
      <input
        id={id}
        type={type}
        autoComplete={autoComplete}
        className={`mt-1 rounded border border-slate-400 bg-white p-2 ${compact ? '' : 'w-full'}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        {...registration}
      />
      {error && (
        <p id={errorId} className="mt-1 text-sm text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
