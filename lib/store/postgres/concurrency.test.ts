import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCKOUT_FAILURES } from '../../auth/lockout';
import type { Store } from '../store';
import { freshPostgres, type FreshPostgres } from './test-database';
import { MIGRATIONS } from './migrations';

/**
 * What READ COMMITTED lets through unless the store closes it: statements from several processes
 * (separate pools) interleave, and each sees only what was committed when it began. Each case is
 * asked many times at once, so a store without the lock or constraint that closes the gap fails it.
 */
let db: FreshPostgres;
let stores: Store[];
beforeEach(async () => {
  db = await freshPostgres({ pool: 10 });
  stores = Array.from({ length: 4 }, () => db.open());
});
afterEach(() => db.dispose());

/** n calls at once, spread over the processes in turn. */
const atOnce = <T>(n: number, call: (store: Store, i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => call(stores[i % stores.length]!, i)));

const by = { operator: 'ann', clientIp: null };
const users = (n: number) => Array.from({ length: n }, (_, i) => ({ account: `u${i}`, attrs: ['sex'] }));
const newRun = (n: number) => ({ source: 'csv' as const, appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', users: users(n) });

describe('Postgres store under concurrent processes', () => {
  it('begins at most the lockout limit of sign-ins for one username, and for one address, however many processes ask at once', async () => {
    const begun = (ids: (number | null)[]) => ids.filter((id) => id !== null).length;
    expect(begun(await atOnce(40, (s, i) => s.signIns.begin({ username: i % 2 ? 'carol' : 'Carol', clientIp: `10.0.0.${i}` }, 1_000_000)))).toBe(LOCKOUT_FAILURES);
    expect(begun(await atOnce(40, (s, i) => s.signIns.begin({ username: `user${i}`, clientIp: '10.9.9.9' }, 1_000_000)))).toBe(LOCKOUT_FAILURES);
  });

  it('lets one of two last attempts begin, from two processes at once, round after round', async () => {
    for (let round = 0; round < 20; round++) {
      const username = `dave${round}`;
      for (let i = 0; i < LOCKOUT_FAILURES - 1; i++) expect(await stores[0]!.signIns.begin({ username, clientIp: null }, 2_000_000)).not.toBeNull();
      const two = await Promise.all([stores[1]!, stores[2]!].map((s) => s.signIns.begin({ username, clientIp: null }, 2_000_000)));
      expect(two.filter((id) => id !== null)).toHaveLength(1);
    }
  });

  it('gives the last upload place to one of two processes beginning at once, round after round; a cap of three holds against ten', async () => {
    const upload = (operator: string) => ({ appId: 'default', sdkAppId: 1400000000, region: 'china', operator, fileName: 'f.csv' });
    const roomy = { max: 100, stagedSinceMs: 0, readingPerOperator: 100, readingPerProcess: 100, liveSinceMs: 0 };
    const owner = (i: number) => ({ owner: { id: `process-${i}`, pid: 100 + i, host: 'h' }, nowMs: 1_000 });
    for (let round = 0; round < 20; round++) {
      const both = await Promise.all([0, 1].map((i) => stores[i]!.uploads.begin(upload(`op${round}`), owner(i), { ...roomy, readingPerOperator: 1 })));
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      expect(both.find((r) => !r.ok)).toEqual({ ok: false, refusal: 'operator-busy' });
    }
    const ten = await atOnce(10, (s, i) => s.uploads.begin(upload('erin'), owner(i), { ...roomy, max: 3 }));
    expect(ten.filter((r) => r.ok)).toHaveLength(3);
    const perProcess = await atOnce(10, (s, i) => s.uploads.begin(upload(`fay${i}`), owner(7), { ...roomy, readingPerProcess: 2 }));
    expect(perProcess.filter((r) => r.ok)).toHaveLength(2);
  });

  it('makes one retry for two processes asking at once, audited once with the users it copied, round after round', async () => {
    const { runId } = await stores[0]!.runs.create(newRun(500), { ...by, action: 'run-started' });
    await stores[0]!.runs.finish(runId, { status: 'cancelled' });
    const entry = (id: number, n: number) => ({ ...by, action: 'run-retried' as const, runId: id, detail: { users: n } });
    for (let round = 0; round < 10; round++) {
      const two = await Promise.all([stores[1]!, stores[2]!].map((s) => s.runs.createRetry(runId, [], 'ann', entry)));
      const ids = two.map((r) => (r.ok ? r.runId : null));
      expect(new Set(ids).size).toBe(1);
      expect(two.map((r) => r.ok && r.existing).sort()).toEqual([false, true]);
      const retryId = ids[0]!;
      expect(await stores[3]!.runs.get(retryId)).toMatchObject({ total: 500, pending: 500, parentRunId: runId });
      expect(await stores[3]!.runs.users(retryId, { limit: 1_000 })).toHaveLength(500);
      expect((await stores[3]!.audit.list({ action: 'run-retried', limit: 100 })).filter((e) => e.runId === retryId).map((e) => e.detail)).toEqual([{ users: 500 }]);
      await stores[0]!.runs.finish(retryId, { status: 'cancelled' });
    }
  });

  it('counts every user once when processes record batches, the same batch twice, while another closes the run, without a deadlock', async () => {
    const total = 1_000;
    const batch = (b: number) => Array.from({ length: 50 }, (_, i) => ({ seq: b * 50 + i + 1, account: `u${b * 50 + i}`, status: 'removed' as const, attempts: 1 }));
    // The close lands at a different point of the recording each round: before, among and after the batches.
    for (let round = 0; round < 12; round++) {
      const { runId } = await stores[0]!.runs.create(newRun(total), { ...by, action: 'run-started' });
      const recordAll = async (store: Store) => {
        for (let b = 0; b < total / 50; b++) await store.runs.recordOutcomes(runId, batch(b), 1);
      };
      const closing = (async () => {
        await new Promise((resolve) => setTimeout(resolve, round * 4));
        return stores[3]!.runs.finish(runId, { status: 'cancelled' });
      })();
      await Promise.all([recordAll(stores[0]!), recordAll(stores[1]!), recordAll(stores[2]!), closing]);
      const run = (await stores[3]!.runs.get(runId))!;
      expect(run.succeeded + run.notSent).toBe(total);
      expect(run.pending).toBe(0);
      expect(await stores[3]!.runs.users(runId, { limit: total, filter: { result: 'removed' } })).toHaveLength(run.succeeded);
    }
  });

  it('copies a removal’s users once when two processes copy it at once', async () => {
    const { runId: checkId } = await stores[0]!.runs.create({ ...newRun(3_000), kind: 'check' }, { ...by, action: 'check-started' });
    await stores[0]!.runs.finish(checkId, { status: 'completed' });
    const made = await stores[0]!.runs.createFromCheck(checkId, { requestKey: 'key-copy-0123456789a', operator: 'ann' }, (id, n) => ({ ...by, action: 'run-started', runId: id, detail: { users: n } }));
    if (!made.ok) throw new Error(made.refusal);
    const copyAll = async (store: Store) => {
      while (!(await store.runs.copyUsers(made.runId, 250)).done);
    };
    await Promise.all([copyAll(stores[1]!), copyAll(stores[2]!)]);
    const seqs = (await stores[3]!.runs.users(made.runId, { limit: 5_000 })).map((u) => u.seq);
    expect(seqs).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
  });

  it('adds counted audit entries from many processes to one row', async () => {
    await atOnce(20, (s, i) => s.audit.record({ action: 'sign-in-unknown', operator: null, clientIp: '10.0.0.9', detail: { reason: 'credentials' }, counted: { name: `x${i}` } }, 60_000_000));
    const rows = await stores[0]!.audit.list({ action: 'sign-in-unknown', limit: 10 });
    expect(rows.map((e) => e.detail?.count)).toEqual([20]);
  });
});

describe('Postgres isolation', () => {
  it('works under READ COMMITTED even where the database defaults to a stricter level', async () => {
    const name = new URL(db.url).pathname.slice(1);
    await db.query(`ALTER DATABASE ${name} SET default_transaction_isolation = 'repeatable read'`);
    const [one, two] = [db.open(), db.open()];
    const { runId } = await one.runs.create(newRun(50), { ...by, action: 'run-started' });
    await one.runs.finish(runId, { status: 'cancelled' });
    const entry = (id: number, n: number) => ({ ...by, action: 'run-retried' as const, runId: id, detail: { users: n } });
    for (let round = 0; round < 5; round++) {
      const both = await Promise.all([one, two].map((s) => s.runs.createRetry(runId, [], 'ann', entry)));
      expect(both.map((r) => r.ok && r.existing).sort()).toEqual([false, true]);
      await one.runs.finish(both[0]!.ok ? both[0]!.runId : 0, { status: 'cancelled' });
    }
  });
});

describe('Postgres migrations', () => {
  it('migrates an empty database once when several processes start at the same moment', async () => {
    const empty = await freshPostgres({ empty: true });
    try {
      const opened = Array.from({ length: 4 }, () => empty.open());
      await Promise.all(opened.map((s) => s.ping()));
      expect(await empty.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    } finally {
      await empty.dispose();
    }
  });

  it('refuses a database whose schema is newer than this code, saying so', async () => {
    await db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', now())");
    await expect(db.open().ping()).rejects.toThrow(`schema version 99 is newer than this code knows (${Math.max(...MIGRATIONS.map((m) => m.version))})`);
  });
});
