// What this run of the benchmark is asked to do, from the environment, and the fixed figures it assumes.
import { randomBytes } from 'node:crypto';
import { parseOrders } from './orders';

/** The shared-budget mode: one removal through an app whose APIs share one budget, smaller by default. */
export const SHARED_BUDGET = process.env.BENCH_SHARED_BUDGET === '1';
export const USERS = Number(process.env.BENCH_USERS ?? (SHARED_BUDGET ? 200_000 : 1_000_000));
export const BASELINE_USERS = Number(process.env.BENCH_BASELINE_USERS ?? 100_000);
/** Users whose values are read before the dry run and compared after the restore. */
export const SAMPLE_USERS = Number(process.env.BENCH_SAMPLE_USERS ?? 1000);
export const QPS = Number(process.env.TIM_MAX_QPS ?? 100);
/** The staging mode (issue 19): per order, one upload of STAGING_ROWS rows to a fresh console, then the first seconds of its removal. */
export const STAGING = process.env.BENCH_STAGING === '1';
export const STAGING_ROWS = Number(process.env.BENCH_STAGING_ROWS ?? 10_000_000);
export const STAGING_ORDERS = parseOrders(process.env.BENCH_STAGING_ORDERS);
/** An upload not staged by then is cut off, so the bench always finishes. */
export const STAGING_CAP_S = Number(process.env.BENCH_STAGING_CAP_S ?? 120);
/** How long the removal started from the staged upload is watched before its console is stopped. */
export const STAGING_WINDOW_S = Number(process.env.BENCH_STAGING_WINDOW_S ?? 30);
/** The Postgres mode (issue 20): one console process against three on one database, for one app and for three apps at once. */
export const POSTGRES = process.env.BENCH_POSTGRES === '1';
/** Users of each app's removal in the Postgres mode. */
export const POSTGRES_USERS = Number(process.env.BENCH_POSTGRES_USERS ?? 1_000_000);
/** Which of the Postgres mode's scenarios run, by letter (`a,c`); all four by default. */
export const POSTGRES_SCENARIOS = (process.env.BENCH_POSTGRES_SCENARIOS ?? 'a,b,c,d').split(',').map((s) => s.trim());
export const SKIP_BUILD = process.env.BENCH_SKIP_BUILD === '1';
export const USERS_PER_REQUEST = 100;
/** The simulator's request log keeps this many entries (its default). */
export const SIM_LOG_LIMIT = 20_000;
export const SIM_PORTS = portRange('BENCH_SIM_PORTS', '4600-4699');
export const CONSOLE_PORTS = portRange('BENCH_CONSOLE_PORTS', '3600-3699');
/** The Postgres mode's throwaway cluster. */
export const PG_PORTS = portRange('BENCH_PG_PORTS', '5440-5499');
export const ADMIN = { username: 'bench-admin', password: randomBytes(18).toString('base64url') };

/** `BENCH_SIM_PORTS` / `BENCH_CONSOLE_PORTS` / `BENCH_PG_PORTS`: "from-to", where each server takes its first free port. */
function portRange(name: string, fallback: string): [number, number] {
  const text = process.env[name] || fallback;
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) > 65535) throw new Error(`${name} must be a port range such as ${fallback}, got ${JSON.stringify(text)}`);
  return [Number(m[1]), Number(m[2])];
}
