import { HTML_LANG, type Locale } from './locales';
import { translator, type Messages } from './translate';

const numberFormats = new Map<Locale, Intl.NumberFormat>();

/** A count with the reader's grouping: 20,000 in both languages today, but the language decides, not this code. */
export function formatNumber(value: number, locale: Locale): string {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(HTML_LANG[locale], { maximumFractionDigits: 1 })));
  return format.format(value);
}

/**
 * Every page shows times in UTC: server and browser then render the same text (no hydration
 * mismatch), operators in different places read the same time for one run, and it matches the
 * server's logs. The zone name comes from Intl, so the label always tells the truth.
 */
const DATE_TIME = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

/**
 * The one date-time format of the console, in both languages: `2026-12-06 22:31:26 UTC`.
 * Year first reads the same in English and Chinese, where 12/6 and 6/12 would not.
 */
export function formatDateTime(at: string | number | Date): string {
  const parts = Object.fromEntries(DATE_TIME.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

/**
 * How long something took, in its two largest units: "2.4 s", "2 min 14 s", "1 h 5 min"
 * ("2 分 14 秒" in Chinese). Tenths of a second only while they still matter (under 10 s).
 */
export function formatDuration(ms: number, messages: Messages): string {
  const t = translator('ui', messages);
  const safe = Math.max(0, ms);
  if (safe < 10_000) return t('duration.seconds', { s: Math.round(safe / 100) / 10 });
  const total = Math.round(safe / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t('duration.hours', { h, m });
  if (m > 0) return t('duration.minutes', { m, s });
  return t('duration.seconds', { s });
}
