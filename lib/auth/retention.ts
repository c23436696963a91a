import 'server-only';
import type { Config } from '../config';
import { sessionLimits } from './sessions';
import type { RetentionLimits } from './types';

export function retentionLimits(config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours' | 'auditRetentionDays'>): RetentionLimits {
  return { ...sessionLimits(config), auditRetentionMs: config.auditRetentionDays * 86_400_000 };
}
