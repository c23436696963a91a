import 'server-only';
import type { Config } from '../config';
import type { SessionLimits } from './types';

export { SESSION_COOKIE } from './cookie';

export function sessionLimits(config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours'>): SessionLimits {
  return { idleMs: config.sessionIdleMinutes * 60_000, maxAgeMs: config.sessionMaxHours * 3_600_000 };
}
