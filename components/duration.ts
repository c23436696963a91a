/** Whole seconds as "2 min 14 s", in the words of a translator that has seconds / minutes / hours. */
export function formatDuration(seconds: number, t: (key: 'seconds' | 'minutes' | 'hours', values: Record<string, number>) => string): string {
  if (seconds < 60) return t('seconds', { s: seconds });
  const m = Math.floor(seconds / 60);
  if (m < 60) return t('minutes', { m, s: seconds % 60 });
  return t('hours', { h: Math.floor(m / 60), m: m % 60 });
}
