import type { RateLimiter } from '../lib/tim/rate-limiter';

/** One budget for every API: what the engine tests need when only the count of requests matters. */
export const sameBudget = (limiter: RateLimiter) => () => limiter;
