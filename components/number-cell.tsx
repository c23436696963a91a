import { useLocale } from 'next-intl';
import { formatNumber } from '@/lib/messages/format';
import type { Locale } from '@/lib/messages/locales';

/** How every table prints a count: grouped, right-aligned, digits of one width, never broken across lines. */
export function NumberCell({ value }: { value: number }) {
  const locale = useLocale() as Locale;
  return <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">{formatNumber(value, locale)}</td>;
}
