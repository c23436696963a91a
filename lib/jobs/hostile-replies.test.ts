import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/server';
import { slowestAnswerDuring } from '../../test-support/responsiveness';
import { oneAppRegistry, testSessionSecret } from '../../test-support/sim-and-database';
import type { AppRegistry } from '../apps/registry';
import { DEFAULT_CSV_LIMITS } from '../csv/limits';
import { DEFAULT_RETRY_POLICY } from '../tim/policy';
import { realClock } from '../tim/rate-limiter';
import { ENGLISH } from '../messages/catalogues';
import { runResults } from '../queries/runs';
import { openSqliteStore } from '../store';
import type { Store } from '../store/store';
import { MAX_FREE_TEXT } from '../tim/sanitize';
import type { UseCaseContext } from '../use-cases/context';
import { exportRun } from '../use-cases/export-run';
import { removeNow } from '../use-cases/remove-now';
import { searchUser } from '../use-cases/search-user';
import { executeRun } from './execute-run';
import { thisProcess } from '../lease/lease';

/**
 * The console against a TIM server that answers with 10 MB: the runs end with their users failed
 * and a clear code, what is stored stays short, and an HTTP server in the same process keeps
 * answering within the 2 s throughout.
 */

const APP = { sdkAppId: 1400000001, key: 'hostile-key' };
/** Three batches. */
const ids = Array.from({ length: 250 }, (_, i) => `u${i}`);
/** The bound for /api/health. */
const ANSWERS_WITHIN_MS = 2000;
/** Retries are what is under test, not their pauses. */
const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 5 };

let sim: Simulator;
/** Requests the simulator still answers normally before a configured fault hits every one. */
let spared = 0;
let dir: string;
let store: Store;
let apps: AppRegistry;

beforeAll(async () => {
  sim = await startSimulator({
    sdkAppId: APP.sdkAppId,
    secretKey: APP.key,
    attrNames: ['city'],
    users: Object.fromEntries(ids.map((id) => [id, { city: 'x' }])),
    random: () => (spared-- > 0 ? 1 : 0),
  });
});
afterAll(() => sim.close());

beforeEach(() => {
  sim.reset();
  spared = 0;
  dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  store = openSqliteStore(join(dir, 'console.db'));
  apps = oneAppRegistry(sim.url, APP);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real engine over HTTP, as the worker runs it. */
function execute(runId: number) {
  const app = apps.get('prod')!;
  return executeRun(runId, { runs: store.runs, client: app.tim, budgets: (api) => app.budgets[api], clock: realClock, concurrency: 4, policy });
}

function ctx(): UseCaseContext {
  return {
    store,
    apps,
    worker: { canSend: () => true, status: () => ({ role: 'writer' }), identity: thisProcess, run: execute, runToEnd: async (runId) => void (await execute(runId)) },
    actor: { username: 'ann', role: 'operator', clientIp: null, appId: null },
    clock: { nowMs: () => Date.now() },
    csvLimits: DEFAULT_CSV_LIMITS,
    sessionSecret: testSessionSecret(), webhookPolicy: { allowHttpLoopback: false },
    messages: ENGLISH,
  };
}

async function newBatchRun(): Promise<number> {
  const { runId } = await store.runs.create(
    { source: 'csv', appId: 'prod', sdkAppId: APP.sdkAppId, region: 'china', operator: 'ann', users: ids.map((account) => ({ account, attrs: ['city'] })) },
    { action: 'run-started', operator: 'ann', clientIp: null },
  );
  return runId;
}

/** Every text the run stored from the server: the run's stop reason, each user's and each group's. */
async function storedTexts(runId: number): Promise<string[]> {
  const run = (await store.runs.get(runId))!;
  const users = await store.runs.users(runId, { limit: ids.length + 1 });
  const groups = await store.runs.failureGroups(runId);
  return [run.error?.info ?? '', ...users.map((u) => u.failure?.info ?? ''), ...groups.map((g) => g.info)];
}

const codePoints = (text: string) => Array.from(text).length;

describe('a removal against 10 MB replies', () => {
  it.each(['hugeBody', 'hugeErrorInfo'] as const)('batch engine, %s: every user failed as transport.too-large', async (fault) => {
    sim.setConfig({ faults: { [fault]: 1 } });
    const runId = await newBatchRun();
    const { value: end, slowestMs } = await slowestAnswerDuring(() => execute(runId));
    expect(end).toEqual({ status: 'completed' });
    expect(await store.runs.get(runId)).toMatchObject({ status: 'completed', succeeded: 0, failed: ids.length, pending: 0, error: null });
    expect(await store.runs.failureGroups(runId)).toEqual([{ key: 'transport.too-large', code: null, info: 'over 1048576 bytes', count: ids.length }]);
    // Each batch's look (get_attr) failed, so nothing was removed.
    expect(sim.requests().filter((r) => r.api === 'remove_attr')).toEqual([]);
    expect(slowestMs).toBeLessThan(ANSWERS_WITHIN_MS);
  });

  const form = (userIds: string) => removeNow(ctx(), { appId: 'prod', userIds, attrs: ['city'], requestKey: undefined });

  it.each(['hugeBody', 'hugeErrorInfo'] as const)('form, %s after the attribute check: every row failed with the reason in words', async (fault) => {
    sim.setConfig({ faults: { [fault]: 1 } });
    spared = 1;
    const { value: removed, slowestMs } = await slowestAnswerDuring(() => form(ids.slice(0, 5).join('\n')));
    if (!removed.ok) throw new Error(removed.error.code);
    expect(removed.value.rows.map((r) => [r.user, r.result, r.resultText])).toEqual(ids.slice(0, 5).map((id) => [id, 'failed', 'Failed: Reply too large']));
    expect(removed.value.failures).toMatchObject([{ key: 'transport.too-large', count: 5, handling: 'retry' }]);
    expect(slowestMs).toBeLessThan(ANSWERS_WITHIN_MS);
  });

  it('form, from its attribute check on: the run stops with the reason, every row says so', async () => {
    sim.setConfig({ faults: { hugeBody: 1 } });
    const { value: removed, slowestMs } = await slowestAnswerDuring(() => form('u0 u1'));
    if (!removed.ok) throw new Error(removed.error.code);
    expect(removed.value.run).toMatchObject({ status: 'failed', error: { key: 'transport.too-large' } });
    expect(removed.value.rows.map((r) => [r.result, r.explanation])).toEqual([
      ['not_sent', 'Not sent because the run stopped after "Reply too large". Fix that, then run these users again.'],
      ['not_sent', 'Not sent because the run stopped after "Reply too large". Fix that, then run these users again.'],
    ]);
    expect(slowestMs).toBeLessThan(ANSWERS_WITHIN_MS);
  });
});

describe('a removal against a long ErrorInfo under the byte limit', () => {
  // A run of letters this long held the event loop for about 14 s in the old address pattern.
  beforeEach(() => sim.setConfig({ faults: { hugeErrorInfo: 1, hugeBytes: 100_000 } }));

  it('stops on the 60002 with what it stored short and masked, and every later view answers at once', async () => {
    const runId = await newBatchRun();
    const { slowestMs } = await slowestAnswerDuring(async () => {
      expect(await execute(runId)).toMatchObject({ status: 'stopped', failure: { key: '60002' } });
      const stored = await storedTexts(runId);
      expect(stored.filter((t) => t !== '').length).toBeGreaterThan(0);
      for (const text of stored) {
        expect(codePoints(text)).toBeLessThanOrEqual(MAX_FREE_TEXT + 1);
        expect(text).not.toMatch(/usersig|eJ[\w*-]{40}/i);
      }

      // What viewers open afterwards: the run page, its export, a user search.
      const run = (await store.runs.get(runId))!;
      const page = await runResults(ctx(), run, { afterSeq: 0, limit: 500, filter: {} });
      expect(page.rows.find((r) => r.result === 'failed')).toMatchObject({ code: '60002', serverInfo: expect.stringMatching(/^cannot parse \[address hidden\] a+…$/) });
      const exported = await exportRun(ctx(), { runId });
      if (!exported.ok) throw new Error(exported.error.code);
      let csv = '';
      for await (const line of exported.value.lines) csv += line;
      expect(csv).toContain('[address hidden]');
      expect(await searchUser(ctx(), 'u0')).toMatchObject([{ row: { code: '60002' } }]);
    });
    expect(slowestMs).toBeLessThan(ANSWERS_WITHIN_MS);
  });

  it('the form answers with the failure, its words cut and masked', async () => {
    spared = 1;
    const { value: removed, slowestMs } = await slowestAnswerDuring(() =>
      removeNow(ctx(), { appId: 'prod', userIds: 'u0 u1', attrs: ['city'], requestKey: undefined }),
    );
    if (!removed.ok) throw new Error(removed.error.code);
    expect(removed.value.run).toMatchObject({ status: 'failed', error: { key: '60002' } });
    expect(removed.value.rows.map((r) => [r.user, r.result, r.code])).toEqual([
      ['u0', 'failed', '60002'],
      ['u1', 'failed', '60002'],
    ]);
    for (const text of await storedTexts(removed.value.run.id)) expect(codePoints(text)).toBeLessThanOrEqual(MAX_FREE_TEXT + 1);
    expect(slowestMs).toBeLessThan(ANSWERS_WITHIN_MS);
  });
});
