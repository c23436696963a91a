// The two passes the benchmark runs (the full one, or the shared-budget one) and the baseline.
import { randomInt } from 'node:crypto';
import http from 'node:http';
import { Api } from 'tls-sig-api-v2';
import { DEMO_SDKAPPID, DEMO_SECRET_KEY } from '../../sim/seed';
import { requestKey, startRun } from './client';
import { sampleIds, userId } from './csv';
import { measureRun, uploadMeasured } from './measure';
import type { Stack } from './processes';
import { fmt, printRunTargets, runRows } from './report';
import { BASELINE_USERS, SAMPLE_USERS, USERS, USERS_PER_REQUEST } from './settings';
import { simUsers, type Attrs } from './simulator';
import { seconds } from './time';

/** A script with no console: one remove_attr request at a time, retried at once on 91000. */
async function baseline(sim: string, users: number): Promise<{ seconds: number; requests: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const userSig = new Api(DEMO_SDKAPPID, DEMO_SECRET_KEY).genUserSig('administrator', 86_400);
  const post = (body: string) =>
    new Promise<{ ErrorCode: number; ErrorInfo: string }>((resolve, reject) => {
      const q = new URLSearchParams({ sdkappid: String(DEMO_SDKAPPID), identifier: 'administrator', usersig: userSig, random: String(randomInt(0, 2 ** 32)), contenttype: 'json' });
      const req = http.request(`${sim}/v4/timpush/remove_attr?${q}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (s: string) => (text += s));
        res.once('end', () => resolve(JSON.parse(text) as { ErrorCode: number; ErrorInfo: string }));
      });
      req.once('error', reject);
      req.end(body);
    });
  let requests = 0;
  const started = performance.now();
  for (let first = 1; first <= users; first += USERS_PER_REQUEST) {
    const batch = Array.from({ length: Math.min(USERS_PER_REQUEST, users - first + 1) }, (_, i) => ({ To_Account: userId(first + i), Attrs: ['city'] }));
    const body = JSON.stringify({ UserAttrs: batch });
    for (let attempt = 1; ; attempt++) {
      requests++;
      const reply = await post(body);
      if (reply.ErrorCode === 0) break;
      if (reply.ErrorCode !== 91000 || attempt === 5) throw new Error(`baseline: ${reply.ErrorCode} ${reply.ErrorInfo}`);
    }
  }
  agent.destroy();
  return { seconds: seconds(started), requests };
}

const sameValues = (a: Attrs | null, b: Attrs | null) =>
  a === null || b === null ? a === b : JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Sampled users that had the CSV's attribute before and still have it. */
const stillHolding = (before: Map<string, Attrs | null>, now: Map<string, Attrs | null>) =>
  [...before].filter(([id, was]) => was?.city !== undefined && now.get(id)?.city !== undefined).map(([id]) => id);

/** The dry run, the removal from it and its restore; a sample checked against the simulator; the baseline. Resolves false when the sample check fails. */
export async function fullPass(stack: Stack, csvPath: string, bytes: number): Promise<boolean> {
  const { sim, base, cookie } = stack;
  const sample = sampleIds(USERS, SAMPLE_USERS);
  const sampleBefore = await simUsers(sim, sample);
  const up = await uploadMeasured(stack, csvPath, bytes);
  if (!up.staged) throw new Error('upload cut off with no cap set');
  const dry = await measureRun(stack, 'dry run', ['get_attr'], () =>
    startRun(base, cookie, `/api/uploads/${up.staged.id}/start`, { attrs: [], requestKey: requestKey(), kind: 'check' }),
  );
  const removal = await measureRun(stack, 'removal', ['get_attr', 'remove_attr'], () => startRun(base, cookie, `/api/runs/${dry.runId}/remove`, { requestKey: requestKey() }));
  const afterRemoval = stillHolding(sampleBefore, await simUsers(sim, sample));
  const restore = await measureRun(stack, 'restore', ['get_attr', 'set_attr'], () => startRun(base, cookie, `/api/runs/${removal.runId}/restore`, {}));
  const sampleAfter = await simUsers(sim, sample);
  const differ = sample.filter((id) => !sameValues(sampleBefore.get(id)!, sampleAfter.get(id)!));
  const removedInSample = [...sampleBefore.values()].filter((v) => v?.city !== undefined).length;

  await fetch(`${sim}/__sim/reset`, { method: 'POST' });
  const naive = await baseline(sim, BASELINE_USERS);
  const consoleRate = removal.run.total / removal.seconds;
  const naiveRate = BASELINE_USERS / naive.seconds;
  console.table({
    'CSV file': { value: `${fmt(USERS)} rows, ${(bytes / 1e6).toFixed(1)} MB` },
    'upload→preview s': { value: up.seconds.toFixed(1) },
    'staged users / invalid rows': { value: `${fmt(up.staged.users)} / ${fmt(up.staged.invalidRows)}` },
    'upload: console peak RSS MB (process tree)': { value: Math.round(up.rssMb) },
    'upload: worst /api/health ms': { value: `${Math.round(up.health.worstMs)} (${up.health.samples} samples, ${up.health.failures} not ok)` },
    [`baseline users/s (remove_attr only, 1 in flight, ${fmt(BASELINE_USERS)} users)`]: {
      value: `${fmt(naiveRate)} (${naive.seconds.toFixed(1)} s, ${fmt(naive.requests)} requests)`,
    },
    'console removal speed-up over baseline': { value: `${(consoleRate / naiveRate).toFixed(2)}×` },
  });
  console.table(runRows([dry, removal, restore]));
  if (Object.values({ ...removal.most, ...restore.most }).some((m) => !m.exact)) {
    console.log('≤: this run did not raise the simulator\'s maximum for that API, which it keeps since it started (an earlier run set it).');
  }
  console.log('targets:');
  printRunTargets([dry, removal, restore]);
  if (restore.run.total !== removal.run.succeeded) {
    console.log(`  note: the restore was made for ${fmt(restore.run.total)} users, the removal removed ${fmt(removal.run.succeeded)}`);
  }
  const pass = differ.length === 0 && afterRemoval.length === 0 && removedInSample > 0;
  console.log(
    `sample check (${fmt(sample.length)} users spread over the file, ${fmt(removedInSample)} with city before the dry run): ${pass ? 'pass' : 'FAIL'}` +
      ` (after the removal ${fmt(afterRemoval.length)} still had city; after the restore ${fmt(differ.length)} differ from before the dry run)`,
  );
  for (const id of [...afterRemoval.slice(0, 5)]) console.log(`  after the removal: ${id} still has city`);
  for (const id of differ.slice(0, 5)) console.log(`  ${id}: before ${JSON.stringify(sampleBefore.get(id))}, after the restore ${JSON.stringify(sampleAfter.get(id))}`);
  return pass;
}

/**
 * One removal straight from the upload, through a TIM_APPS_FILE app with `sharedBudget: true`: its
 * get_attr and remove_attr share one ceiling, so each batch takes two slots of it (2 × floor).
 */
export async function sharedBudgetPass(stack: Stack, csvPath: string, bytes: number): Promise<boolean> {
  const { sim, base, cookie } = stack;
  const sample = sampleIds(USERS, SAMPLE_USERS);
  const sampleBefore = await simUsers(sim, sample);
  const up = await uploadMeasured(stack, csvPath, bytes);
  if (!up.staged) throw new Error('upload cut off with no cap set');
  const removal = await measureRun(
    stack,
    'removal, shared budget',
    ['get_attr', 'remove_attr'],
    () => startRun(base, cookie, `/api/uploads/${up.staged.id}/start`, { attrs: [], requestKey: requestKey() }),
    { together: true, floorsPerBatch: 2 },
  );
  const left = stillHolding(sampleBefore, await simUsers(sim, sample));
  console.table({
    'CSV file': { value: `${fmt(USERS)} rows, ${(bytes / 1e6).toFixed(1)} MB` },
    'upload→preview s': { value: up.seconds.toFixed(1) },
    'staged users / invalid rows': { value: `${fmt(up.staged.users)} / ${fmt(up.staged.invalidRows)}` },
  });
  const rows = runRows([removal]);
  const label = removal.label;
  rows['2 × floor s (two requests per batch, one budget)'] = { [label]: (2 * removal.floorS).toFixed(1) };
  rows['start→complete / (2 × floor)'] = { [label]: (removal.seconds / (2 * removal.floorS)).toFixed(3) };
  console.table(rows);
  console.log('targets:');
  printRunTargets([removal], 2);
  const pass = left.length === 0;
  console.log(`sample check (${fmt(sample.length)} users): ${pass ? 'pass' : 'FAIL'} (${fmt(left.length)} still had city after the removal)`);
  return pass;
}
