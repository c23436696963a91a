// The Postgres mode's report: a row per scenario and app, a row per scenario and console process,
// each figure with its target met or MISSED beside it (a miss does not fail the command).
import type { HealthSeen } from './samplers';
import { REMOVAL_APIS, type ScenarioMeasured } from './postgres';
import { fmt } from './report';
import { QPS } from './settings';

export const POSTGRES_TARGETS = { ratio: 1.05, rssMb: 512, healthMs: 200 } as const;

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

const health = (h: HealthSeen) =>
  `${Math.round(h.worstMs)} ${verdict(h.worstMs <= POSTGRES_TARGETS.healthMs && h.failures === 0)} (at ${h.worstAtS.toFixed(1)} s; ${h.samples} samples, ${h.failures} not ok)`;

export function printPostgresTables(scenarios: ScenarioMeasured[]): void {
  const T = POSTGRES_TARGETS;
  const apps: Record<string, Record<string, string>> = {};
  const processes: Record<string, Record<string, string>> = {};
  const machine: Record<string, { 'cores busy while the runs ran': string }> = {};
  for (const { scenario, apps: measured, processes: sampled, machineBusy, error } of scenarios) {
    if (machineBusy !== null) machine[scenario.label] = { 'cores busy while the runs ran': `${Math.round(100 * machineBusy)} %` };
    if (error) {
      apps[scenario.label] = { error };
      continue;
    }
    for (const m of measured) {
      const ratio = m.seconds / m.floorS;
      const worst = Math.max(...REMOVAL_APIS.map((api) => m.most[api]!));
      apps[`${scenario.label} · ${m.app}`] = {
        'started on': `process ${m.startedOn}${m.standingBy.length ? ` (${m.standingBy.join(', ')} stood by)` : ''}`,
        users: fmt(m.run.total),
        'upload→preview s': m.uploadS.toFixed(1),
        'start→complete s': m.seconds.toFixed(1),
        'floor s': m.floorS.toFixed(1),
        [`÷ floor (≤ ${T.ratio})`]: `${ratio.toFixed(3)} ${verdict(ratio <= T.ratio)}`,
        [`most in 1 s: ${REMOVAL_APIS.join(' / ')} (≤ ${QPS})`]: `${REMOVAL_APIS.map((api) => m.most[api]).join(' / ')} ${verdict(worst <= QPS)}`,
        '60007 answers': String(m.rateLimited),
        'remove_attr first / last arrival s (idle s)': m.pacing === null ? 'n/a' : `${m.pacing.firstS.toFixed(2)} / ${m.pacing.lastS.toFixed(1)} (${m.pacing.idleS.toFixed(1)})`,
        'slowest seconds (s: arrivals)': m.pacing === null ? 'n/a' : m.pacing.slowest.map((x) => `${x.atS.toFixed(0)}: ${x.arrivals}`).join(', '),
        'done / skipped / failed / not sent': `${fmt(m.run.succeeded)} / ${fmt(m.run.skipped)} / ${fmt(m.run.failed)} / ${fmt(m.run.notSent)}`,
      };
    }
    for (const [p, s] of sampled.entries()) {
      processes[`${scenario.label} · process ${p + 1}`] = {
        'apps started here': measured.filter((m) => m.startedOn === p + 1).map((m) => m.app).join(', ') || '—',
        'CPU s during the runs': s.cpuS.toFixed(1),
        [`peak RSS MB (≤ ${T.rssMb})`]: `${Math.round(s.rssMb)} ${verdict(s.rssMb <= T.rssMb)}`,
        [`worst /api/health ms (≤ ${T.healthMs})`]: health(s.health),
      };
    }
  }
  console.table(apps);
  console.table(processes);
  console.table(machine);
  console.log(
    'The run API does not say which process sent a run\'s requests: the one that did is the one with CPU seconds to show for it.' +
      ' Peak RSS is of the process tree; CPU seconds, /api/health and RSS are sampled from the first start to the last completion.',
  );
}
