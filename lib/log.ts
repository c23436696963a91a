/**
 * One-line JSON logs on stdout. Every TIM URL passes through redactUrl first: the query string
 * carries the UserSig, which must never reach a log.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]usersig=)[^&]*/i, '$1[redacted]');
}

type Fields = Record<string, string | number | boolean | null | undefined>;

function write(level: 'info' | 'warn' | 'error', event: string, fields: Fields) {
  const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...fields });
  if (level === 'info') console.log(line);
  else console.error(line);
}

export const log = {
  info: (event: string, fields: Fields = {}) => write('info', event, fields),
  warn: (event: string, fields: Fields = {}) => write('warn', event, fields),
  error: (event: string, fields: Fields = {}) => write('error', event, fields),
};
