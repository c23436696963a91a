import type { Handling } from '../tim/policy';
import { isRetryable } from './state-machine';

/**
 * What "Retry failed users" sends, decided here only: the users of every failure group a retry can
 * fix, and those never sent. The store copies exactly the groups named by `keys`, with the users
 * never sent; the page and the confirm step show `users`.
 */
export interface RetryPlan {
  keys: string[];
  users: number;
}

export function retryPlan(groups: readonly { key: string; count: number; handling: Handling }[], notSent: number): RetryPlan {
  const retryable = groups.filter((g) => isRetryable(g.handling));
  return { keys: retryable.map((g) => g.key), users: retryable.reduce((n, g) => n + g.count, notSent) };
}
