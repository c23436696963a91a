import { useTranslations } from 'next-intl';
import type { UseFormRegisterReturn } from 'react-hook-form';

/** The app's attribute names as a checkbox group named "Attributes". */
export function AttributePicker({
  names,
  disabled,
  error,
  register,
  hint,
}: {
  names: string[];
  disabled?: boolean;
  error?: string;
  register: UseFormRegisterReturn;
  hint?: string;
}) {
  const t = useTranslations('forms.attributePicker');
  const describedBy = [hint ? 'attrs-hint' : '', error ? 'attrs-error' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <legend className="font-medium">{t('legend')}</legend>
      {hint && (
        <p id="attrs-hint" className="text-sm text-slate-600">
          {hint}
        </p>
      )}
      <div className="mt-2 flex flex-wrap gap-4">
        {names.map((name) => (
          <label key={name} className="flex items-center gap-2">
            <input type="checkbox" value={name} disabled={disabled} className="h-4 w-4" {...register} />
            <span className="font-mono">{name}</span>
          </label>
        ))}
      </div>
      {error && (
        <p id="attrs-error" className="mt-1 text-sm text-red-800">
          {error}
        </p>
      )}
    </fieldset>
  );
}
