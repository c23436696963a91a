/**
 * One-line JSON logs on stdout. Every TIM URL passes through redactUrl first: the query string
 * carries the UserSig, which must never reach a log.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]usersig=)[^&]*/i, '$1[redacted]');
}

type Fields = Record<string, string | number | boolean | null | undefined>;
type Level = 'info' | 'warn' | 'error';

const RANK: Record<Level, number> = { info: 0, warn: 1, error: 2 };

/** LOG_LEVEL=warn keeps the per-request lines out of a busy log (the benchmark sets it). */
function enabled(level: Level): boolean {
  const min = process.env.LOG_LEVEL as Level | undefined;
  return RANK[level] >= (min && min in RANK ? RANK[min] : 0);
}

function write(level: Level, event: string, fields: Fields) {
  if (!enabled(level)) return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...fields });
  if (level === 'info') console.log(line);
  else console.error(line);
}

export const log = {
  info: (event: string, fields: Fields = {}) => write('info', event, fields),
  warn: (event: string, fields: Fields = {}) => write('warn', event, fields),
  error: (event: string, fields: Fields = {}) => write('error', event, fields),
};
