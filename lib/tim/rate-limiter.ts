/**
 * The budget of one API of one app, shared by every run in this process: no 1-second window at the
 * server may count more than `ceiling` requests, whatever the server's pauses or the network's jitter.
 *
 * What the server can count: it stamps a request at some moment after we send it and before we read
 * its reply — late, if it was paused (a GC, a stalled proxy) and stamps a queue at once. So client-side
 * spacing alone bounds nothing. What does: a request the server counts in its window [t, t + 1 s) was
 * granted before t + 1 s and released (its reply read) after t. Take the last one of that window to be
 * granted, at g < t + 1 s: every other one was granted before it and released after t > g − 1 s, so at g
 * it was either still in flight or released less than a second earlier. Hence the rule: a permit
 * occupies the budget from its grant until 1 s after its release, and a permit is granted only while
 * fewer than `ceiling` occupy it. No server window can then hold more than `ceiling`.
 *
 * That is the L + k design (at most k in flight, at most L granted per second, L + k ≤ ceiling) made
 * exact: a request counts once, as in flight or as recent, never as both, so no k has to be guessed
 * from the latency. The cost is the round trip: a permit occupies 1 s + rtt, so the pace is
 * ceiling / (1 + rtt in s) — 98 % at 20 ms, 83 % at 200 ms.
 *
 * A request that times out (TIM_TIMEOUT_MS) is released when its socket is destroyed (lib/tim/http-post.ts),
 * one whose connection fails when the error is seen. If a proxy still holds its bytes and hands them
 * over later, the server may count it outside this bound: one extra per such request, only for
 * requests that got no reply at all.
 */

/** The server's second may be a little longer than ours (clock rates differ by far less than 0.1 %). */
const WINDOW_MS = 1001;
/**
 * Grants flow at the budget's rate, in bursts of at most this share of the ceiling, so a second's
 * worth never goes out at once. Not less: replies the server held in a pause come back together,
 * their slots free together a second later, and metering those one by one left slots idle (in the
 * benchmark, 97.4 of 100 slots held on average at bursts of 2, 98.8 to 99.8 at 10 %).
 */
const BURST_SHARE = 0.1;
/** A 60007 lowers the budget by this factor… */
const CUT_FACTOR = 0.9;
/** …never below this share of the ceiling… */
const MIN_SHARE = 0.1;
/** …keeps it there this long after the last cut… */
const HOLD_MS = 5000;
/** …then gives this share of the ceiling back per second (from 90 % to 100 % in 5 s). */
const RECOVERY_SHARE_PER_S = 0.02;

export interface Permit {
  /** The reply (or the error) is back: from now the server cannot count this request any more. */
  release(): void;
  /** The server answered this request with 60007/60011: slow the whole budget for a while. */
  rateLimited(): void;
}

export interface RateLimiter {
  acquire(): Promise<Permit>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export function createRateLimiter(ceiling: number, clock: Clock = realClock): RateLimiter {
  const minLimit = Math.max(1, Math.ceil(ceiling * MIN_SHARE));
  const recoveryPerMs = (ceiling * RECOVERY_SHARE_PER_S) / 1000;
  const burst = Math.max(2, Math.ceil(ceiling * BURST_SHARE));
  let inFlight = 0;
  /** Release times of the last window, oldest first (the clock is monotonic). */
  const released: number[] = [];
  let tokens = burst;
  let tokensAt = -Infinity;
  let cut = { level: ceiling, at: -Infinity, holdUntil: -Infinity };
  const waiters: ((permit: Permit) => void)[] = [];
  let pumping = false;
  let wakeOnRelease: (() => void) | null = null;

  function tokensNow(t: number, limit: number): number {
    return Math.min(burst, tokens + ((t - tokensAt) * limit) / WINDOW_MS);
  }

  function limitAt(t: number): number {
    if (t < cut.holdUntil) return cut.level;
    return Math.min(ceiling, cut.level + Math.floor((t - cut.holdUntil) * recoveryPerMs));
  }

  /** How long until a permit may be granted at `t`: 0 now, null when every slot is held in flight (only a release can tell). */
  function waitAt(t: number): number | null {
    while (released.length > 0 && released[0]! <= t - WINDOW_MS) released.shift();
    const limit = limitAt(t);
    const spacing = Math.max(0, ((1 - tokensNow(t, limit)) * WINDOW_MS) / limit);
    const occupied = inFlight + released.length;
    if (occupied < limit) return spacing;
    // Either enough releases age out of the window, or the limit recovers past what occupies it.
    const expiry = released[occupied - limit];
    const untilExpiry = expiry === undefined ? Infinity : expiry + WINDOW_MS - t;
    const untilRecovery = occupied < ceiling ? cut.holdUntil + (occupied + 1 - cut.level) / recoveryPerMs - t : Infinity;
    const wait = Math.min(untilExpiry, untilRecovery);
    return wait === Infinity ? null : Math.max(spacing, wait);
  }

  function grant(at: number): Permit {
    inFlight++;
    tokens = tokensNow(at, limitAt(at)) - 1;
    tokensAt = at;
    let done = false;
    return {
      release() {
        if (done) return;
        done = true;
        inFlight--;
        released.push(clock.now());
        wakeOnRelease?.();
      },
      rateLimited() {
        // Sent before the last cut: it reflects the old pace, which has already been cut.
        if (at < cut.at) return;
        const now = clock.now();
        const limit = limitAt(now);
        cut = { level: Math.max(minLimit, Math.min(limit - 1, Math.floor(limit * CUT_FACTOR))), at: now, holdUntil: now + HOLD_MS };
      },
    };
  }

  async function pump() {
    if (pumping) return;
    pumping = true;
    while (waiters.length > 0) {
      const t = clock.now();
      const wait = waitAt(t);
      if (wait === null) await new Promise<void>((resolve) => (wakeOnRelease = resolve));
      // Whole milliseconds, as timers keep them: a sliver of a wait must still move the clock.
      else if (wait > 0) await clock.sleep(Math.ceil(wait));
      else waiters.shift()!(grant(t));
      wakeOnRelease = null;
    }
    pumping = false;
  }

  return {
    acquire() {
      return new Promise<Permit>((resolve) => {
        waiters.push(resolve);
        void pump();
      });
    },
  };
}
