// The printed report: a column per run, and each target met or MISSED.
import type { Staged } from './client';
import type { Measured } from './measure';
import type { HealthSeen } from './samplers';
import type { RemovalWindow, StagingMeasured } from './staging';
import { QPS, SIM_LOG_LIMIT, USERS_PER_REQUEST } from './settings';

export const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** The rows every run shows, one column per run. */
export function runRows(runs: Measured[]): Record<string, Record<string, string | number>> {
  const rows: Record<string, Record<string, string | number>> = {};
  const row = (name: string, value: (m: Measured) => string | number) => (rows[name] = Object.fromEntries(runs.map((m) => [m.label, value(m)])));
  const perApi = (m: Measured, value: (api: string) => string) => m.apis.map((api) => `${api} ${value(api)}`).join(', ');
  row('run (kind)', (m) => `${m.runId} (${m.run.kind})`);
  row('users (run total)', (m) => fmt(m.run.total));
  row('start→201 answer s', (m) => m.answeredS.toFixed(2));
  row('start→first request s', (m) => (m.firstSendS === null ? 'none within 2 s' : m.firstSendS.toFixed(2)));
  row('start→complete s', (m) => m.seconds.toFixed(1));
  row('floor s (total / 100 / ceiling)', (m) => m.floorS.toFixed(1));
  row('start→complete / floor', (m) => (m.seconds / m.floorS).toFixed(3));
  row('console users/s', (m) => fmt(m.run.total / m.seconds));
  row('done / skipped / failed / not sent', (m) => `${fmt(m.run.succeeded)} / ${fmt(m.run.skipped)} / ${fmt(m.run.failed)} / ${fmt(m.run.notSent)}`);
  row('console requests (over 1 per API per batch)', (m) => {
    const minimum = m.apis.length * Math.ceil(m.run.total / USERS_PER_REQUEST);
    return `${fmt(m.run.requests)} (${fmt(m.run.requests - minimum)})`;
  });
  row('simulator: requests by API', (m) => perApi(m, (api) => fmt(m.byApi[api] ?? 0)));
  row('simulator: most arrivals in 1 s by API', (m) => perApi(m, (api) => `${m.most[api]!.exact ? '' : '≤ '}${m.most[api]!.value}`));
  if (runs.some((m) => m.together !== undefined)) {
    row('simulator: most in 1 s, APIs together', (m) => (m.together === undefined ? '' : m.together === null ? `n/a (log keeps ${fmt(SIM_LOG_LIMIT)})` : m.together));
  }
  row('simulator: last API first / last arrival s (budget idle between, s)', (m) =>
    m.pacing === null ? `n/a (log keeps ${fmt(SIM_LOG_LIMIT)})` : `${m.pacing.firstS.toFixed(2)} / ${m.pacing.lastS.toFixed(1)} (${m.pacing.idleS.toFixed(1)})`,
  );
  row('simulator: last arrival→complete s', (m) => (m.pacing === null ? 'n/a' : (m.seconds - m.pacing.lastS).toFixed(2)));
  row('simulator: slowest seconds of the last API (s after start: arrivals)', (m) =>
    m.pacing === null ? 'n/a' : m.pacing.slowest.map((x) => `${x.atS.toFixed(0)}: ${x.arrivals}`).join(', '),
  );
  row('simulator: 91000 injected', (m) => m.error91000);
  row('simulator: 60007 answers', (m) => m.rateLimited);
  row('console peak RSS MB (process tree)', (m) => Math.round(m.rssMb));
  row('worst /api/health ms (asked s after start)', (m) => `${Math.round(m.health.worstMs)} (at ${m.health.worstAtS.toFixed(1)}; ${m.health.samples} samples, ${m.health.failures} not ok)`);
  return rows;
}

/** The targets each run should meet, printed as met or MISSED (a miss does not fail the command). */
export function printRunTargets(runs: Measured[], floorsPerBatch = 1): void {
  const target = (text: string, met: boolean) => console.log(`  ${text}: ${verdict(met)}`);
  for (const m of runs) {
    const floor = floorsPerBatch * m.floorS;
    const ratio = m.seconds / floor;
    const floorText = floorsPerBatch === 1 ? 'floor' : `${floorsPerBatch} × floor`;
    target(`${m.label}: start→complete ≤ 1.05 × ${floorText} (${(1.05 * floor).toFixed(1)} s) (${ratio.toFixed(3)})`, ratio <= 1.05);
    const worst = Math.max(...m.apis.map((api) => m.most[api]!.value));
    target(`${m.label}: no simulator second over ${QPS} on any API (${m.apis.map((api) => `${api} ${m.most[api]!.value}`).join(', ')}; ${m.rateLimited} × 60007)`, worst <= QPS);
    if (m.together !== undefined) {
      target(
        `${m.label}: no second over ${QPS} of ${m.apis.join(' and ')} together (${m.together ?? 'log too short'})`,
        m.together !== null && m.together <= QPS,
      );
    }
  }
  const rssMb = Math.max(...runs.map((m) => m.rssMb));
  target(`peak RSS ≤ 512 MB (${Math.round(rssMb)})`, rssMb <= 512);
  const worstMs = Math.max(...runs.map((m) => m.health.worstMs));
  const failures = runs.reduce((sum, m) => sum + m.health.failures, 0);
  target(`/api/health ≤ 200 ms (${Math.round(worstMs)} ms, ${failures} not ok)`, worstMs <= 200 && failures === 0);
}

/** Issue 19's targets: the preview of 10,000,000 rows in any order, the console's memory and health meanwhile, and the start. */
export const STAGING_TARGETS = { previewS: 60, rssMb: 512, healthMs: 500, firstRequestS: 1 } as const;

/** The preview says what the file holds: its rows, its distinct users, its repeats, nothing invalid. */
const previewExact = (m: StagingMeasured, s: Staged) =>
  s.rowsRead === m.rows && s.users === m.users && s.duplicateRows === m.repeatedRows && s.invalidRows === 0;

/** Whether every order ran and every preview that came was exact (the targets' misses do not fail the command). */
export const stagingCountsRight = (runs: StagingMeasured[]) =>
  runs.every((m) => m.error === null && (m.upload?.staged ? previewExact(m, m.upload.staged) : true));

/** The staging pass: one column per order, and issue 19's target beside each figure it sets one for. */
export function printStagingTable(runs: StagingMeasured[], capS: number, windowS: number): void {
  const T = STAGING_TARGETS;
  const rows: Record<string, Record<string, string>> = {};
  const row = (name: string, target: string, value: (m: StagingMeasured) => string) =>
    (rows[name] = { ...Object.fromEntries(runs.map((m) => [m.label, value(m)])), 'issue 19 target': target });
  const up = (m: StagingMeasured, value: (u: NonNullable<StagingMeasured['upload']>) => string) => (m.upload ? value(m.upload) : '—');
  const run = (m: StagingMeasured, value: (r: RemovalWindow) => string) => (m.removal ? value(m.removal) : '—');
  const health = (h: HealthSeen) =>
    `${Math.round(h.worstMs)} ${verdict(h.worstMs < T.healthMs && h.failures === 0)} (at ${h.worstAtS.toFixed(1)} s; ${h.samples} samples, ${h.failures} not ok)`;
  row('CSV file', '', (m) => `${fmt(m.rows)} rows, ${(m.bytes / 1e6).toFixed(1)} MB`);
  row('users / repeated rows in it', '', (m) => `${fmt(m.users)} / ${fmt(m.repeatedRows)}`);
  row('load average (1 min) as the upload began', '', (m) => m.load.toFixed(1));
  row('first byte→preview s', `≤ ${T.previewS}`, (m) =>
    up(m, (u) => (u.staged ? `${u.seconds.toFixed(1)} ${verdict(u.seconds <= T.previewS)}` : `not done in ${capS} s: MISSED`)),
  );
  row('of which after the last byte was sent s', '', (m) =>
    up(m, (u) => (u.staged && u.sentS !== null ? (u.seconds - u.sentS).toFixed(1) : '—')),
  );
  row('rows/s', '', (m) => up(m, (u) => (u.staged ? fmt(m.rows / u.seconds) : 'not done')));
  const cutOff = runs.some((m) => m.upload?.staged === null);
  if (cutOff) {
    row(`sent when cut off at ${capS} s (staged: at most that)`, '', (m) =>
      up(m, (u) => (u.staged ? '' : `${(u.bytesSent / 1e6).toFixed(1)} of ${(m.bytes / 1e6).toFixed(1)} MB, ≤ ${fmt(u.rowsSent)} rows`)),
    );
  }
  row('preview users / repeated / invalid', 'exact', (m) =>
    up(m, (u) =>
      u.staged
        ? `${fmt(u.staged.users)} / ${fmt(u.staged.duplicateRows)} / ${fmt(u.staged.invalidRows)} ${previewExact(m, u.staged) ? 'exact' : 'WRONG'}`
        : 'no preview',
    ),
  );
  row('upload: console CPU s (all its threads)', '', (m) => up(m, (u) => u.cpuS.toFixed(1)));
  row('upload: console peak RSS MB (process tree)', `≤ ${T.rssMb}`, (m) => up(m, (u) => `${Math.round(u.rssMb)} ${verdict(u.rssMb <= T.rssMb)}`));
  row('upload: worst /api/health ms', `< ${T.healthMs}`, (m) => up(m, (u) => health(u.health)));
  row('start→201 answer s', '', (m) => run(m, (r) => r.answeredS.toFixed(2)));
  row('start→first request s (get_attr or remove_attr)', `≤ ${T.firstRequestS}`, (m) =>
    run(m, (r) =>
      r.firstRequestS === null ? `none within ${r.readAfterS} s: MISSED` : `${r.firstRequestS.toFixed(2)} ${verdict(r.firstRequestS <= T.firstRequestS)}`,
    ),
  );
  row(`users/s over the first ${windowS} s (console)`, '', (m) => run(m, (r) => fmt(r.usersDone / windowS)));
  row(`remove_attr/s over the first ${windowS} s (simulator)`, '', (m) => run(m, (r) => (r.removeRequests / windowS).toFixed(1)));
  row('removal: console peak RSS MB (process tree)', `≤ ${T.rssMb}`, (m) => run(m, (r) => `${Math.round(r.rssMb)} ${verdict(r.rssMb <= T.rssMb)}`));
  row('removal: worst /api/health ms', `< ${T.healthMs}`, (m) => run(m, (r) => health(r.health)));
  if (runs.some((m) => m.error)) row('error', '', (m) => m.error ?? '');
  console.table(rows);
  if (cutOff) {
    console.log(
      'Cut off: the console shows no count of the rows it has stored before it answers with the preview; the whole rows handed to the socket by then' +
        ' are an upper bound (the socket and the console buffer part of them).',
    );
  }
  if (runs.some((m) => m.removal)) console.log(`Each console was stopped ${windowS} s after the start of its removal: the removals did not run to their end.`);
}
