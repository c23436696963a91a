// The printed report: a column per run, and each target met or MISSED.
import type { Measured } from './measure';
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
