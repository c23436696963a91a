import { genUserSig } from './usersig';

/** One admin UserSig is reused across calls (tim-api-facts.md §5) and renewed long before expiry. */
export const USERSIG_LIFETIME_SECONDS = 7 * 24 * 3600;
/** Renew once less than this is left, so a slow run never carries a sig that expires mid-request. */
export const USERSIG_RENEW_BEFORE_SECONDS = 24 * 3600;

export interface UserSigSource {
  current(): string;
  /** Forces a fresh sig, e.g. after the service answered 70001 (expired). */
  renew(): string;
}

export function createUserSigCache(opts: {
  sdkAppId: number;
  identifier: string;
  secretKey: () => string;
  now?: () => number;
}): UserSigSource {
  const now = opts.now ?? Date.now;
  let sig = '';
  let expiresAtMs = 0;

  const renew = () => {
    const nowMs = now();
    sig = genUserSig({
      sdkAppId: opts.sdkAppId,
      identifier: opts.identifier,
      secretKey: opts.secretKey(),
      expireSeconds: USERSIG_LIFETIME_SECONDS,
      nowMs,
    });
    expiresAtMs = Math.floor(nowMs / 1000) * 1000 + USERSIG_LIFETIME_SECONDS * 1000;
    return sig;
  };

  return {
    current() {
      if (!sig || now() >= expiresAtMs - USERSIG_RENEW_BEFORE_SECONDS * 1000) return renew();
      return sig;
    },
    renew,
  };
}
