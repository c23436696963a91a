import { DEFAULT_CSV_LIMITS } from '../csv/limits';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/server';
import { testSessionSecret } from '../../test-support/sim-and-database';
import { createAppRegistry, type AppRegistry } from '../apps/registry';
import { prepareOperator } from '../auth/operators';
import { realClock } from '../tim/rate-limiter';
import { executeRun } from '../jobs/execute-run';
import { thisProcess } from '../lease/lease';
import { MAX_STAGED_UPLOADS_PER_OPERATOR, MAX_UPLOADS_READ_PER_OPERATOR } from '../uploads/in-progress';
import type { RunWorker } from '../jobs/worker';
import { Secret } from '../secret';
import { openSqliteStore } from '../store';
import type { Store } from '../store/store';
import { cancelRun } from './cancel-run';
import { chooseApp } from './choose-app';
import type { UseCaseContext } from './context';
import { discardUpload } from './discard-upload';
import { changeOperator } from './manage-operators';
import { removeChecked } from './remove-from-check';
import { removeNow } from './remove-now';
import { retryFailed } from './retry-failed';
import { stageUpload } from './stage-upload';
import { startStagedRun } from './start-staged-run';
import { ENGLISH } from '../messages/catalogues';
import { arrivingUploadFor } from '../queries/uploads';

const STAGING = { sdkAppId: 1400000001, key: 'staging-key' };
const PROD = { sdkAppId: 1400000002, key: 'prod-key' };

let sim: Simulator;
let dir: string;
let store: Store;
let apps: AppRegistry;

beforeAll(async () => {
  sim = await startSimulator({
    apps: [
      { sdkAppId: STAGING.sdkAppId, secretKey: STAGING.key, attrNames: ['sex', 'city'], users: { alice: { sex: 'f', city: 'x' }, bob: { sex: 'm' } } },
      { sdkAppId: PROD.sdkAppId, secretKey: PROD.key, attrNames: ['sex', 'city'], users: { alice: { sex: 'f', city: 'y' } } },
    ],
  });
});
afterAll(() => sim.close());

beforeEach(() => {
  sim.reset();
  dir = mkdtempSync(join(tmpdir(), 'use-cases-'));
  store = openSqliteStore(join(dir, 'console.db'));
  apps = createAppRegistry(
    [
      { id: 'staging', label: 'Staging', sdkAppId: STAGING.sdkAppId, region: 'china', baseUrl: sim.url, usesBaseUrlOverride: true, adminIdentifier: 'administrator', secretKey: new Secret(STAGING.key), maxQps: 1000, sharedBudget: false, envLabel: null, typedConfirmAbove: null },
      { id: 'prod', label: 'Production', sdkAppId: PROD.sdkAppId, region: 'china', baseUrl: sim.url, usesBaseUrlOverride: true, adminIdentifier: 'administrator', secretKey: new Secret(PROD.key), maxQps: 1000, sharedBudget: false, envLabel: 'production', typedConfirmAbove: 2 },
    ],
    { timeoutMs: 2000 },
  );
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real engine over HTTP for the run's own app, as the worker does, without the lease. */
function worker(canSend = true): RunWorker {
  return {
    canSend: () => canSend,
    identity: thisProcess,
    status: () => ({ role: 'writer' }),
    async run(runId) {
      const run = (await store.runs.get(runId))!;
      const app = apps.get(run.appId)!;
      return executeRun(runId, { runs: store.runs, kind: run.kind, client: app.tim, budgets: (api) => app.budgets[api], clock: realClock, concurrency: 2 });
    },
    async runToEnd(runId) {
      await this.run(runId, 'form');
    },
  };
}

function ctx(over: Partial<UseCaseContext> = {}): UseCaseContext {
  return { store, apps, worker: worker(), actor: { username: 'ann', role: 'operator', clientIp: null, appId: null }, clock: { nowMs: () => Date.now() }, csvLimits: DEFAULT_CSV_LIMITS, sessionSecret: testSessionSecret(), webhookPolicy: { allowHttpLoopback: false }, messages: ENGLISH, ...over };
}

const form = (appId: string, userIds: string, attrs = ['city']) => ({ appId, userIds, attrs, requestKey: undefined });

describe('removeNow', () => {
  it('removes through the app it was given, audits, and answers each user', async () => {
    const r = await removeNow(ctx(), form('prod', 'alice ghost'));
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.run).toMatchObject({ appId: 'prod', sdkAppId: PROD.sdkAppId, status: 'completed', succeeded: 1, failed: 1 });
    expect(r.value.rows.map((row) => [row.user, row.result, row.code])).toEqual([
      ['alice', 'removed', ''],
      ['ghost', 'failed', '70107'],
    ]);
    expect(sim.getUser('alice', PROD.sdkAppId)).toEqual({ sex: 'f' });
    expect(sim.getUser('alice', STAGING.sdkAppId)).toEqual({ sex: 'f', city: 'x' });
    expect(await store.audit.list({ action: 'run-started', limit: 5 })).toMatchObject([{ operator: 'ann', runId: r.value.run.id }]);
  });

  it('refuses, storing nothing, on a standby process, an unknown app, or attributes the app no longer has', async () => {
    expect(await removeNow(ctx({ worker: worker(false) }), form('prod', 'alice'))).toEqual({ ok: false, error: { code: 'worker.standby' } });
    expect(await removeNow(ctx(), form('gone', 'alice'))).toEqual({ ok: false, error: { code: 'app.unknown' } });
    expect(await removeNow(ctx(), form('prod', 'alice', ['shoe']))).toEqual({
      ok: false,
      error: { code: 'app.attrsChanged', params: { app: 'Production' }, fields: { attrs: { code: 'app.attrsUnknown', params: { app: 'Production', names: 'shoe' } } } },
    });
    expect(await store.runs.list({ limit: 5 })).toEqual([]);
    expect(sim.requests().filter((q) => q.api === 'remove_attr')).toEqual([]);
  });

  it('gives a resubmitted confirm step its first run', async () => {
    const key = 'k'.repeat(24);
    const first = await removeNow(ctx(), { ...form('staging', 'bob', ['sex']), requestKey: key });
    const again = await removeNow(ctx(), { ...form('staging', 'bob', ['sex']), requestKey: key });
    expect(first.ok && again.ok && again.value.run.id === first.value.run.id).toBe(true);
    expect(sim.requests().filter((q) => q.api === 'remove_attr')).toHaveLength(1);
  });
});

describe('removeChecked', () => {
  it('makes one removal of a dry run that two operators confirm at the same moment: both answers name it, and its users are sent once', async () => {
    const users = [
      { account: 'alice', attrs: ['city'] },
      { account: 'bob', attrs: ['city'] },
    ];
    const { runId: checkId } = await store.runs.create(
      { source: 'form', kind: 'check', appId: 'staging', sdkAppId: STAGING.sdkAppId, region: 'china', operator: 'ann', users },
      { action: 'check-started', operator: 'ann', clientIp: null },
    );
    await store.runs.finish(checkId, { status: 'completed' });
    const bob = ctx({ actor: { username: 'bob', role: 'operator', clientIp: null, appId: null } });
    const [ann, bobs] = await Promise.all([
      removeChecked(ctx(), { runId: checkId, requestKey: 'ann-key-0123456789' }),
      removeChecked(bob, { runId: checkId, requestKey: 'bob-key-0123456789' }),
    ]);
    if (!ann.ok) throw new Error(ann.error.code);
    expect(bobs).toEqual(ann);
    expect((await store.runs.list({ limit: 10 })).filter((r) => r.parentRunId === checkId).map((r) => r.id)).toEqual([ann.value.runId]);
    await expect.poll(async () => (await store.runs.get(ann.value.runId))?.status, { timeout: 10_000 }).toBe('completed');
    const sentTo = sim.requests().filter((q) => q.api === 'remove_attr').flatMap((q) => q.accounts ?? []);
    // bob has no city: read once, never sent a remove_attr.
    expect(sentTo).toEqual(['alice']);
    expect((await store.runs.get(ann.value.runId))?.nothingToRemove).toBe(1);
    expect((await store.audit.list({ action: 'run-started', limit: 5 })).map((e) => e.runId)).toEqual([ann.value.runId]);
  });
});

describe('cancel and retry', () => {
  it('cannot cancel a form run, nor retry an unknown one', async () => {
    const r = await removeNow(ctx(), form('staging', 'bob', ['sex']));
    if (!r.ok) throw new Error(r.error.code);
    expect(await cancelRun(ctx(), { runId: r.value.run.id })).toEqual({ ok: false, error: { code: 'run.formRun' } });
    expect(await retryFailed(ctx(), { runId: 999 })).toEqual({ ok: false, error: { code: 'run.notFound' } });
    expect(await retryFailed(ctx(), { runId: r.value.run.id })).toEqual({ ok: false, error: { code: 'run.nothingToRetry' } });
  });
});

describe('changeOperator and chooseApp', () => {
  it('audits a change with it, refuses changing oneself, and names the operator a refusal is about', async () => {
    const admin = ctx({ actor: { username: 'root', role: 'admin', clientIp: '192.0.2.1', appId: null } });
    expect(await changeOperator(admin, { kind: 'add', username: 'dora', password: 'a-long-password', role: 'viewer' })).toEqual({ ok: true, value: { kind: 'add', username: 'dora' } });
    expect(await changeOperator(admin, { kind: 'add', username: 'DORA', password: 'a-long-password', role: 'viewer' })).toEqual({
      ok: false,
      error: { code: 'operators.exists', params: { username: 'DORA' } },
    });
    expect(await changeOperator(admin, { kind: 'role', username: 'root', role: 'viewer' })).toEqual({ ok: false, error: { code: 'operators.self' } });
    expect(await changeOperator(admin, { kind: 'disable', username: 'nobody' })).toEqual({ ok: false, error: { code: 'operators.notFound', params: { username: 'nobody' } } });
    expect((await store.audit.list({ limit: 10 })).map((e) => [e.action, e.operator, e.clientIp, e.detail])).toEqual([['operator-added', 'root', '192.0.2.1', { username: 'dora', role: 'viewer' }]]);
  });

  it('remembers a configured app for the operator and refuses another', async () => {
    const prepared = await prepareOperator({ username: 'ann', password: 'a-long-password', role: 'operator' });
    if (!prepared.ok) throw new Error(prepared.code);
    await store.operators.insert(prepared.operator, () => null);
    expect(await chooseApp(ctx(), { appId: 'nope' })).toEqual({ ok: false, error: { code: 'app.unknown' } });
    expect(await chooseApp(ctx(), { appId: 'prod' })).toEqual({ ok: true, value: { appId: 'prod' } });
    expect((await store.operators.find('ann'))?.appId).toBe('prod');
  });
});

describe('staged uploads', () => {
  const encoder = new TextEncoder();
  /** The file as a request body would bring it: in uneven chunks, cut inside characters and lines. */
  async function* chunksOf(text: string, size = 7): AsyncGenerator<Uint8Array> {
    const bytes = encoder.encode(text);
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  const body = (text: string, size?: number) => ({ declaredBytes: encoder.encode(text).length, chunks: chunksOf(text, size) });
  const target = { appId: 'staging', name: 'list.csv' };
  const key = (n: number) => `key-${String(n).padStart(16, '0')}`;
  const sent = () => sim.requests().filter((q) => q.api === 'remove_attr');
  /** Every upload kept in any state: arriving, staged (all of them expire a millisecond from now), or being deleted. */
  const uploadsKept = async () => [...(await store.uploads.inProgress()).map((u) => u.id), ...(await store.uploads.expired(Date.now() + 1))];
  const nothingStored = async () => {
    expect(await uploadsKept()).toEqual([]);
    expect(await store.runs.list({ limit: 5 })).toEqual([]);
  };

  it('reads the file as it arrives, stores the server counts and invalid rows, and sends nothing until started', async () => {
    const file = 'To_Account,Attrs\nalice,city\nbob,\nbad\u202Eid,sex\nalice,sex\n\ngh\u00e9st,shoe\n';
    const staged = await stageUpload(ctx(), target, body(file));
    if (!staged.ok) throw new Error(staged.error.code);
    const id = staged.value.id!;
    expect(staged.value).toMatchObject({ fileName: 'list.csv', rowsRead: 5, users: 2, duplicateRows: 1, invalidRows: 2, rowsWithoutAttrs: 1, attrs: ['city', 'sex'] });
    expect(staged.value.issues.map((i) => [i.line, i.code])).toEqual([
      [4, 'csv.idBidiControl'],
      [7, 'csv.unknownAttrs'],
    ]);
    expect(staged.value.expiresMs - staged.value.stagedMs).toBe(24 * 3_600_000);
    expect(sent()).toEqual([]);
    expect(await store.runs.list({ limit: 5 })).toEqual([]);

    expect(await startStagedRun(ctx(), { uploadId: id, attrs: [], requestKey: key(1) })).toEqual({ ok: false, error: { code: 'upload.picksNeeded', params: { rows: 1 } } });
    expect(await startStagedRun(ctx({ actor: { username: 'bob', role: 'operator', clientIp: null, appId: null } }), { uploadId: id, attrs: ['sex'], requestKey: key(1) })).toEqual({
      ok: false,
      error: { code: 'upload.notFound' },
    });
    const clickedAt = Date.now();
    const started = await startStagedRun(ctx(), { uploadId: id, attrs: ['sex'], requestKey: key(1) });
    expect(started).toEqual({ ok: true, value: { runId: id, users: 2 } });
    expect(await startStagedRun(ctx(), { uploadId: id, attrs: ['sex'], requestKey: key(1) })).toEqual(started);
    await expect.poll(async () => (await store.runs.get(id))?.status, { timeout: 10_000 }).toBe('completed');
    const first = sent()[0]!;
    expect(first.at - clickedAt).toBeLessThan(1_000);
    expect(sim.getUser('alice', STAGING.sdkAppId)).toEqual({});
    expect(sim.getUser('bob', STAGING.sdkAppId)).toEqual({});
    expect(await store.audit.list({ action: 'run-started', limit: 5 })).toMatchObject([{ operator: 'ann', runId: id, detail: { users: 2, file: 'list.csv', invalidRows: 2 } }]);
  });

  it('discards or starts an upload asked at the same moment, never both: nothing is sent, or the run holds every user it counts', async () => {
    const users = 60_000;
    const file = `To_Account,Attrs\n${Array.from({ length: users }, (_, i) => `user${i},sex`).join('\n')}\n`;
    const staged = await stageUpload(ctx(), target, body(file, 1 << 16));
    if (!staged.ok) throw new Error(staged.error.code);
    const id = staged.value.id!;
    const rowsOf = () => store.uploads.countRows(id);
    expect(await rowsOf()).toBe(users);

    const discarding = discardUpload(ctx(), { uploadId: id });
    // The start arrives while the discard deletes the rows, a slice per turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    const started = await startStagedRun(ctx(), { uploadId: id, attrs: [], requestKey: key(5) });
    const discarded = await discarding;

    if (started.ok) {
      await expect.poll(async () => (await store.runs.get(id))?.status, { timeout: 30_000 }).toBe('completed');
      const run = (await store.runs.get(id))!;
      expect({ total: run.total, rows: await rowsOf(), pending: run.pending }).toEqual({ total: users, rows: users, pending: 0 });
      expect(discarded).toEqual({ ok: false, error: { code: 'upload.notFound' } });
    } else {
      expect(started).toEqual({ ok: false, error: { code: 'upload.notFound' } });
      expect(discarded).toEqual({ ok: true, value: null });
      await expect.poll(uploadsKept).toEqual([]);
      expect(await rowsOf()).toBe(0);
      expect(sent()).toEqual([]);
      expect(await store.runs.list({ limit: 5 })).toEqual([]);
    }
  }, 30_000);
  it('asks for the app name above the production app\'s threshold on the form, a staged file, a dry run\'s removal and a retry, whatever the browser sent', async () => {
    const typeIt = (count: number) => ({ ok: false, error: { code: 'app.typeNameToConfirm', params: { app: 'Production', count } } });
    expect(await removeNow(ctx(), form('prod', 'alice bob carl'))).toEqual(typeIt(3));
    expect(await removeNow(ctx(), { ...form('prod', 'alice bob carl'), typedAppName: 'production' })).toEqual(typeIt(3));
    expect(await removeNow(ctx(), form('staging', 'alice bob carl'))).toMatchObject({ ok: true });
    expect(await removeNow(ctx(), form('prod', 'alice bob'))).toMatchObject({ ok: true });
    expect(sent().filter((q) => q.sdkAppId === PROD.sdkAppId)).toHaveLength(1);
    expect(await removeNow(ctx(), { ...form('prod', 'alice bob carl'), typedAppName: ' Production ' })).toMatchObject({ ok: true });

    const staged = await stageUpload(ctx(), { ...target, appId: 'prod' }, body('To_Account,Attrs\nalice,city\nbob,city\ncarl,city\n'));
    if (!staged.ok) throw new Error(staged.error.code);
    const start = { uploadId: staged.value.id!, attrs: [], requestKey: key(1) };
    expect(await startStagedRun(ctx(), start)).toEqual(typeIt(3));
    expect(await startStagedRun(ctx(), { ...start, kind: 'check' })).toMatchObject({ ok: true });

    const users = ['alice', 'bob', 'carl'].map((account) => ({ account, attrs: ['city'] }));
    const { runId: checkId } = await store.runs.create(
      { source: 'form', kind: 'check', appId: 'prod', sdkAppId: PROD.sdkAppId, region: 'china', operator: 'ann', users },
      { action: 'check-started', operator: 'ann', clientIp: null },
    );
    // Every user has a value: each is one the removal would take a value from.
    await store.runs.recordOutcomes(
      checkId,
      users.map((u, i) => ({ seq: i + 1, account: u.account, attempts: 1, status: 'checked' as const, attrs: ['city'], values: { city: 'x' } })),
      1,
    );
    await store.runs.finish(checkId, { status: 'completed' });
    expect(await removeChecked(ctx(), { runId: checkId, requestKey: key(2) })).toEqual(typeIt(3));
    expect(await removeChecked(ctx(), { runId: checkId, requestKey: key(2), typedAppName: 'Production' })).toMatchObject({ ok: true });

    const { runId: stopped } = await store.runs.create(
      { source: 'csv', kind: 'remove', appId: 'prod', sdkAppId: PROD.sdkAppId, region: 'china', operator: 'ann', users },
      { action: 'run-started', operator: 'ann', clientIp: null },
    );
    await store.runs.finish(stopped, { status: 'cancelled' });
    expect(await retryFailed(ctx(), { runId: stopped })).toEqual(typeIt(3));
    expect(await retryFailed(ctx(), { runId: stopped, typedAppName: 'Production' })).toMatchObject({ ok: true, value: { users: 3 } });
  });

  it('refuses a declared length over CSV_MAX_BYTES before reading a byte', async () => {
    const unread: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        throw new Error('the body was read');
      },
    };
    const limits = { maxRows: 10, maxBytes: 1024 * 1024 };
    expect(await stageUpload(ctx({ csvLimits: limits }), target, { declaredBytes: 2 * 1024 * 1024, chunks: unread })).toEqual({
      ok: false,
      error: { code: 'csv.tooLarge', params: { mib: 2, maxMib: 1 } },
    });
    await nothingStored();
  });

  it('stops reading and stores nothing when the bytes or the rows run out, or the body breaks off', async () => {
    const limits = { maxRows: 3, maxBytes: 64 };
    const over = await stageUpload(ctx({ csvLimits: { ...limits, maxRows: 100 } }), target, { declaredBytes: null, chunks: chunksOf('alice\n'.repeat(20)) });
    expect(over).toMatchObject({ ok: false, error: { code: 'csv.tooLarge' } });
    expect(await stageUpload(ctx({ csvLimits: limits }), target, body('a\nb\nc\nd\n'))).toEqual({ ok: false, error: { code: 'csv.tooManyRows', params: { max: 3 } } });
    async function* breaking(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('alice\nbob\n');
      throw new Error('socket hang up');
    }
    expect(await stageUpload(ctx(), target, { declaredBytes: 100, chunks: breaking() })).toEqual({ ok: false, error: { code: 'upload.aborted' } });
    await nothingStored();
  });

  it('keeps nothing of a file with no valid row, and still answers with its invalid rows by line', async () => {
    const staged = await stageUpload(ctx(), target, body('To_Account\n\u200Bx\n\n"a\u202Eb"\n'));
    expect(staged).toMatchObject({
      ok: true,
      value: { id: null, users: 0, rowsRead: 2, invalidRows: 2, issues: [{ line: 2, code: 'csv.idZeroWidth' }, { line: 4, code: 'csv.idBidiControl' }] },
    });
    await nothingStored();
    expect(sent()).toEqual([]);
  });

  it('refuses an operator who holds the most uploads before reading a byte; a discard, a start or 24 hours free a place, and each operator has their own', async () => {
    const unread: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        throw new Error('the body was read');
      },
    };
    const refused = { ok: false, error: { code: 'upload.tooManyStaged', params: { max: MAX_STAGED_UPLOADS_PER_OPERATOR } } };
    const stage = async (c: UseCaseContext, user: string) => {
      const staged = await stageUpload(c, target, body(`To_Account,Attrs\n${user},city\n`));
      if (!staged.ok || staged.value.id === null) throw new Error(staged.ok ? 'not kept' : staged.error.code);
      return staged.value.id;
    };
    // Not kept, so it takes no place.
    expect(await stageUpload(ctx(), target, body('To_Account\n\u200Bx\n'))).toMatchObject({ ok: true, value: { id: null } });
    const ids: number[] = [];
    for (let i = 0; i < MAX_STAGED_UPLOADS_PER_OPERATOR; i++) ids.push(await stage(ctx(), `user${i}`));
    expect(await stageUpload(ctx(), target, { declaredBytes: 10, chunks: unread })).toEqual(refused);
    expect(await stageUpload(ctx(), { ...target, appId: 'prod' }, { declaredBytes: 10, chunks: unread })).toEqual(refused);
    await stage(ctx({ actor: { username: 'bob', role: 'operator', clientIp: null, appId: null } }), 'alice');

    expect(await discardUpload(ctx(), { uploadId: ids[0]! })).toEqual({ ok: true, value: null });
    await stage(ctx(), 'alice');
    expect(await stageUpload(ctx(), target, { declaredBytes: 10, chunks: unread })).toEqual(refused);
    expect(await startStagedRun(ctx(), { uploadId: ids[1]!, attrs: [], requestKey: key(6) })).toMatchObject({ ok: true });
    await stage(ctx(), 'bob');
    expect(await stageUpload(ctx(), target, { declaredBytes: 10, chunks: unread })).toEqual(refused);
    await stage(ctx({ clock: { nowMs: () => Date.now() + 24 * 3_600_000 + 1 } }), 'alice');
    await expect.poll(async () => (await store.runs.get(ids[1]!))?.status, { timeout: 10_000 }).toBe('completed');
  }, 30_000);

  /** A body that sends its first line, then nothing until `release` (a link that stalled). */
  const stalling = () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    async function* chunks() {
      yield encoder.encode('To_Account,Attrs\nalice,city\n');
      await released;
    }
    return { release, body: { declaredBytes: 1_000, chunks: chunks(), stallMs: 300 } };
  };

  it('names this process as the one receiving a file while it arrives and beats for it; stops reading one another process discarded as abandoned', async () => {
    const link = stalling();
    const staging = stageUpload(ctx(), target, { ...link.body, stallMs: 60_000, heartbeatMs: 20 });
    await expect.poll(() => store.uploads.inProgress()).toMatchObject([{ operator: 'ann', owner: thisProcess() }]);
    const [upload] = await store.uploads.inProgress();
    // The page asks for its operator's upload for this app; the file has not ended, so nothing is merged yet.
    expect(await arrivingUploadFor(ctx(), 'staging')).toEqual({ upload: { id: upload!.id, finishing: null } });
    expect(await arrivingUploadFor(ctx(), 'prod')).toEqual({ upload: null });
    expect(await arrivingUploadFor(ctx({ actor: { username: 'bob', role: 'operator', clientIp: null, appId: null } }), 'staging')).toEqual({ upload: null });
    await expect.poll(async () => (await store.uploads.inProgress())[0]!.heartbeatMs).toBeGreaterThan(upload!.heartbeatMs!);
    // Another process's sweep takes it; the next heartbeat finds it gone.
    expect(await store.uploads.discard(upload!.id)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    link.release();
    expect(await staging).toEqual({ ok: false, error: { code: 'upload.aborted' } });
    await nothingStored();
  });

  it('ends a file from which nothing arrives for the stall time, keeping nothing and freeing its place; one operator holds at most two of the places', async () => {
    const carl = ctx({ actor: { username: 'carl', role: 'operator', clientIp: null, appId: null } });
    const first = stalling();
    const second = stalling();
    const firstStaged = stageUpload(ctx(), target, first.body);
    const secondStaged = stageUpload(ctx(), target, { ...second.body, stallMs: 60_000 });
    await expect.poll(async () => (await store.uploads.inProgress()).length).toBe(2);
    // A third from the same operator waits for nobody's stalled files: it is refused before a byte is read.
    const unread: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        throw new Error('the body was read');
      },
    };
    expect(await stageUpload(ctx(), target, { declaredBytes: 10, chunks: unread })).toEqual({ ok: false, error: { code: 'upload.operatorBusy', params: { max: MAX_UPLOADS_READ_PER_OPERATOR } } });
    // Another operator still gets a place.
    expect(await stageUpload(carl, target, body('To_Account,Attrs\nbob,city\n'))).toMatchObject({ ok: true, value: { users: 1 } });

    expect(await firstStaged).toEqual({ ok: false, error: { code: 'upload.stalled', params: { seconds: 0 } } });
    expect(await store.uploads.inProgress()).toHaveLength(1);
    const third = await stageUpload(ctx(), target, body('To_Account,Attrs\ncarol,city\n'));
    expect(third).toMatchObject({ ok: true, value: { users: 1 } });
    second.release();
    first.release();
    expect(await secondStaged).toMatchObject({ ok: true, value: { users: 1 } });
    expect(await store.uploads.inProgress()).toEqual([]);
    // The stalled file left nothing: only the three that arrived whole are staged.
    expect(await uploadsKept()).toHaveLength(3);
  }, 30_000);

  it('refuses on a standby process and for an unknown app; a staged upload expires after 24 hours', async () => {
    expect(await stageUpload(ctx({ worker: worker(false) }), target, body('alice\n'))).toEqual({ ok: false, error: { code: 'worker.standby' } });
    expect(await stageUpload(ctx(), { ...target, appId: 'gone' }, body('alice\n'))).toEqual({ ok: false, error: { code: 'app.unknown' } });
    const staged = await stageUpload(ctx(), target, body('To_Account,Attrs\nalice,city\n'));
    if (!staged.ok) throw new Error(staged.error.code);
    const later = { nowMs: () => Date.now() + 24 * 3_600_000 + 1 };
    expect(await startStagedRun(ctx({ clock: later }), { uploadId: staged.value.id!, attrs: [], requestKey: key(2) })).toEqual({ ok: false, error: { code: 'upload.expired' } });
    expect(sent()).toEqual([]);
  });
});
