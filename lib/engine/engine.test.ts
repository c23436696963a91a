import { describe, expect, it } from 'vitest';
import type { CallResult } from '../tim/client';
import type { UserAttrs } from '../tim/wire';
import { runBatches, toBatches, type UserOutcome } from './engine';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../tim/policy';
import { removeAttr, type Operation, type RemovalTarget } from './operations';
import { readBatchReply } from '../tim/outcomes';
import type { Clock, RateLimiter } from '../tim/rate-limiter';

const instantClock: Clock = { now: () => 0, sleep: async () => {} };
const noLimit: RateLimiter = { acquire: async () => ({ release: () => {}, rateLimited: () => {} }) };

/** A budget that counts what the engine does with its permits. */
function countingBudget() {
  const seen = { acquired: 0, released: 0, rateLimited: 0, inFlight: 0 };
  const limiter: RateLimiter = {
    acquire: async () => {
      seen.acquired++;
      seen.inFlight++;
      let done = false;
      return {
        release: () => {
          if (!done) seen.inFlight--;
          done = true;
          seen.released++;
        },
        rateLimited: () => void seen.rateLimited++,
      };
    },
  };
  return { seen, limiter };
}

function reply(ErrorCode: number, ErrorList: { To_Account: string; ErrorCode: number }[] = []): CallResult {
  const r = { ActionStatus: ErrorCode === 0 ? 'OK' : 'FAIL', ErrorCode, ErrorInfo: '', ErrorList: ErrorList.map((e) => ({ ...e, ErrorInfo: '' })) };
  return { kind: 'reply', reply: r, raw: r };
}

function targets(n: number, prefix = 'u'): RemovalTarget[] {
  return Array.from({ length: n }, (_, i) => ({ seq: i + 1, account: `${prefix}${i + 1}`, attrs: ['city'] }));
}

/** A scripted TIM: each call gets the accounts and answers from the script. */
function scriptedClient(answer: (accounts: string[], call: number) => CallResult) {
  const calls: string[][] = [];
  let renewals = 0;
  return {
    calls,
    renewals: () => renewals,
    client: {
      call: async (_path: string, body: unknown) => {
        const ua = (body as { UserAttrs: UserAttrs[] }).UserAttrs;
        calls.push(ua.map((u) => u.To_Account));
        return answer(
          ua.map((u) => u.To_Account),
          calls.length,
        );
      },
      renewUserSig: () => {
        renewals++;
      },
    },
  };
}

async function run(
  list: RemovalTarget[],
  answer: (accounts: string[], call: number) => CallResult,
  extra: { cancelAfter?: number; concurrency?: number; limiter?: RateLimiter } = {},
) {
  const fake = scriptedClient(answer);
  const outcomes: UserOutcome[] = [];
  let requests = 0;
  const end = await runBatches(toBatches(list), {
    operation: removeAttr,
    client: fake.client,
    budgets: () => extra.limiter ?? noLimit,
    clock: instantClock,
    concurrency: extra.concurrency ?? 1,
    random: () => 0.5,
    isCancelled: () => extra.cancelAfter !== undefined && fake.calls.length >= extra.cancelAfter,
    onOutcomes: (o, r) => {
      outcomes.push(...o);
      requests += r;
    },
  });
  return { end, outcomes, requests, fake };
}

describe('toBatches', () => {
  it('cuts 250 users into 100 + 100 + 50', () => {
    expect(toBatches(targets(250)).map((b) => b.length)).toEqual([100, 100, 50]);
  });
});

describe('runBatches', () => {
  it('removes everyone not in ErrorList and fails the listed users with their code', async () => {
    const { end, outcomes, requests } = await run(targets(5), () => reply(0, [{ To_Account: 'u2', ErrorCode: 70107 }]));
    expect(end).toEqual({ status: 'completed' });
    expect(requests).toBe(1);
    expect(outcomes.filter((o) => o.status === 'removed').map((o) => o.account)).toEqual(['u1', 'u3', 'u4', 'u5']);
    const failed = outcomes.find((o) => o.account === 'u2');
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 70107, handling: 'permanent' }, attempts: 1 });
  });

  it('retries 91000 with back-off and resends only the users still pending', async () => {
    const { outcomes, fake } = await run(targets(3), (accounts, call) =>
      call === 1 ? reply(0, [{ To_Account: 'u3', ErrorCode: 91000 }]) : reply(0),
    );
    expect(fake.calls).toEqual([['u1', 'u2', 'u3'], ['u3']]);
    expect(outcomes.every((o) => o.status === 'removed')).toBe(true);
    expect(outcomes.find((o) => o.account === 'u3')?.attempts).toBe(2);
  });

  it('gives up on a transient error after maxAttempts and reports it per user', async () => {
    const { outcomes, fake, end } = await run(targets(2), () => ({ kind: 'transport', failure: 'http-5xx', detail: 'HTTP 502' }));
    expect(fake.calls).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(end).toEqual({ status: 'completed' });
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toMatchObject({ status: 'failed', failure: { key: 'transport.http-5xx', code: null }, attempts: 5 });
  });

  it('stops the run on a fatal error: that batch fails, later batches are never sent', async () => {
    const { end, outcomes, fake } = await run(targets(250), () => reply(70009));
    expect(end).toMatchObject({ status: 'stopped', failure: { code: 70009, handling: 'fatal' } });
    expect(fake.calls).toHaveLength(1);
    expect(outcomes).toHaveLength(100);
    expect(outcomes.every((o) => o.status === 'failed')).toBe(true);
  });

  it('renews the UserSig once on 70001 and continues', async () => {
    const { end, outcomes, fake } = await run(targets(3), (_a, call) => (call === 1 ? reply(70001) : reply(0)));
    expect(end).toEqual({ status: 'completed' });
    expect(fake.renewals()).toBe(1);
    expect(outcomes.every((o) => o.status === 'removed')).toBe(true);
  });

  it('stops when 70001 comes back after a renewal', async () => {
    const { end, fake } = await run(targets(3), () => reply(70001));
    expect(end).toMatchObject({ status: 'stopped', failure: { code: 70001 } });
    expect(fake.calls).toHaveLength(2);
  });

  it('splits the batch on 90018 and carries on', async () => {
    const { end, outcomes, fake } = await run(targets(8), (accounts) => (accounts.length > 2 ? reply(90018) : reply(0)));
    expect(end).toEqual({ status: 'completed' });
    expect(fake.calls.filter((c) => c.length <= 2).flat().sort()).toEqual(targets(8).map((t) => t.account).sort());
    expect(outcomes.filter((o) => o.status === 'removed')).toHaveLength(8);
    // 8 users → split to 4 → split to 2: every user was in three requests.
    expect(outcomes.map((o) => o.attempts)).toEqual(Array(8).fill(3));
  });

  it('answers 60007 by slowing the budget and retrying: not a user failure', async () => {
    const { seen, limiter } = countingBudget();
    const { outcomes } = await run(targets(2), (_a, call) => (call <= 3 ? reply(60007) : reply(0)), { limiter });
    expect(seen.rateLimited).toBe(3);
    expect(outcomes.every((o) => o.status === 'removed')).toBe(true);
  });

  it('does not count a 60007 as one of a user’s transient attempts', async () => {
    // Four 91000s (one short of maxAttempts) and six 60007s, then success.
    const answers = [91000, 60007, 91000, 60007, 60007, 91000, 60007, 60007, 91000, 60007, 0];
    const { outcomes, fake } = await run(targets(2), (_a, call) => reply(answers[call - 1]!));
    expect(fake.calls).toHaveLength(answers.length);
    expect(outcomes.map((o) => o.status)).toEqual(['removed', 'removed']);
  });

  it('treats a 60007 in ErrorList the same way: the budget slows, the user waits rather than fails', async () => {
    const { seen, limiter } = countingBudget();
    const answers = [60007, 60007, 60007, 60007, 60007, 60007, 0];
    const answer = (accounts: string[], call: number) =>
      answers[call - 1] ? reply(0, [{ To_Account: accounts.at(-1)!, ErrorCode: answers[call - 1]! }]) : reply(0);
    const { outcomes, fake } = await run(targets(3), answer, { limiter });
    expect(fake.calls).toEqual([['u1', 'u2', 'u3'], ...Array(6).fill(['u3'])]);
    expect(seen.rateLimited).toBe(6);
    expect(outcomes.find((o) => o.account === 'u3')).toMatchObject({ status: 'removed', attempts: 7 });
  });

  it('fails the batch with 60007 once it has been rate-limited maxRateLimitWaits times over', async () => {
    const { seen, limiter } = countingBudget();
    const { end, outcomes, fake } = await run(targets(2), () => reply(60007), { limiter });
    expect(end).toEqual({ status: 'completed' });
    expect(fake.calls).toHaveLength(DEFAULT_RETRY_POLICY.maxRateLimitWaits + 1);
    expect(seen.rateLimited).toBe(DEFAULT_RETRY_POLICY.maxRateLimitWaits + 1);
    expect(outcomes).toHaveLength(2);
    expect(outcomes.every((o) => o.status === 'failed' && o.failure.code === 60007 && o.failure.handling === 'rate-limited')).toBe(true);
  });

  it('holds a permit for exactly the time of its request, and releases it when the call throws', async () => {
    const { seen, limiter } = countingBudget();
    const held: number[] = [];
    const calls = { n: 0 };
    const client = {
      call: async () => {
        held.push(seen.inFlight);
        if (++calls.n === 2) throw new Error('boom');
        return reply(0);
      },
      renewUserSig: () => {},
    };
    const done = runBatches(toBatches(targets(300)), { operation: removeAttr, client, budgets: () => limiter, clock: instantClock, concurrency: 1, onOutcomes: () => {} });
    await expect(done).rejects.toThrow('boom');
    expect(held).toEqual([1, 1]);
    expect(seen).toMatchObject({ acquired: 2, released: 2, inFlight: 0 });
  });

  it('releases a permit it got after a cancel without sending', async () => {
    const { seen, limiter } = countingBudget();
    let cancelled = false;
    const fake = scriptedClient(() => ((cancelled = true), reply(0)));
    await runBatches(toBatches(targets(300)), {
      operation: removeAttr,
      client: fake.client,
      budgets: () => limiter,
      clock: instantClock,
      concurrency: 2,
      isCancelled: () => cancelled,
      onOutcomes: () => {},
    });
    expect(fake.calls).toHaveLength(1);
    expect(seen).toMatchObject({ acquired: 2, released: 2 });
    expect(seen.inFlight).toBe(0);
  });

  it('sends no new batch after a cancel; unsent users get no outcome', async () => {
    const { end, outcomes, fake } = await run(targets(500), () => reply(0), { cancelAfter: 2 });
    expect(end).toEqual({ status: 'cancelled' });
    expect(fake.calls).toHaveLength(2);
    expect(outcomes).toHaveLength(200);
  });

  it('reports every user exactly once with several batches in flight', async () => {
    const { outcomes } = await run(targets(1234), (accounts, call) =>
      reply(0, call % 3 === 0 ? [{ To_Account: accounts[0]!, ErrorCode: 70107 }] : []),
    { concurrency: 4 });
    const seqs = outcomes.map((o) => o.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(targets(1234).map((t) => t.seq));
  });
});

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and is jittered', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(backoffDelay(1, p, () => 1)).toBe(250);
    expect(backoffDelay(3, p, () => 1)).toBe(1000);
    expect(backoffDelay(30, p, () => 1)).toBe(10_000);
    expect(backoffDelay(3, p, () => 0)).toBe(500);
  });
});

describe('operations', () => {
  it('sends what the operation builds to its path and reads the reply with its reader', async () => {
    const seen: { path: string; body: unknown }[] = [];
    const probe: Operation<{ seq: number; account: string }> = {
      call: {
        api: 'remove_attr',
        path: 'v4/timpush/probe',
        body: (batch) => ({ To_Account: batch.map((t) => t.account) }),
        read: (batch, result) => readBatchReply(batch.map((t) => t.account), result),
      },
      done: () => ({ status: 'removed' }),
    };
    const outcomes: UserOutcome[] = [];
    const end = await runBatches(toBatches([1, 2, 3].map((seq) => ({ seq, account: `p${seq}` })), 2), {
      operation: probe,
      client: { call: async (path, body) => (seen.push({ path, body }), reply(0, [{ To_Account: 'p3', ErrorCode: 70107 }])), renewUserSig: () => {} },
      budgets: () => noLimit,
      clock: instantClock,
      concurrency: 1,
      onOutcomes: (o) => void outcomes.push(...o),
    });
    expect(end).toEqual({ status: 'completed' });
    expect(seen).toEqual([
      { path: 'v4/timpush/probe', body: { To_Account: ['p1', 'p2'] } },
      { path: 'v4/timpush/probe', body: { To_Account: ['p3'] } },
    ]);
    expect(outcomes.map((o) => [o.account, o.status])).toEqual([
      ['p1', 'removed'],
      ['p2', 'removed'],
      ['p3', 'failed'],
    ]);
  });
});
