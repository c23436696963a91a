// `npm run bench`: what an operator sees, over HTTP, from the production console (`next start`) on
// the simulator (20 ms latency, 1 % 91000): sign in, upload a generated CSV (upload→preview), then
// three runs of its users one after the other, each timed from its start to `completed` while the
// console's memory and /api/health are sampled: a dry run (get_attr only), the removal from that
// dry run (get_attr, then remove_attr, per batch) and the restore of that removal (get_attr, then
// set_attr). Then a sample of users checked against the simulator's state (as before the dry run),
// the simulator's own arrivals per second and API, and a sequential baseline straight to the
// simulator. BENCH_SHARED_BUDGET=1 is another mode: one removal through a TIM_APPS_FILE app whose
// APIs share one budget (`sharedBudget: true`), where the snapshot costs a second floor.
// BENCH_STAGING=1 is a third (issue 19): per order of the rows (sorted, scattered, reversed, 10 %
// repeated users), BENCH_STAGING_ROWS rows uploaded to a fresh console, cut off at
// BENCH_STAGING_CAP_S, then BENCH_STAGING_WINDOW_S of the removal started from the staged upload.
// BENCH_POSTGRES=1 is a fourth (issue 20): on a throwaway Postgres cluster, a removal of
// BENCH_POSTGRES_USERS users per app, on one console process and on three sharing one database,
// for one app and for three apps at once, each scenario on a fresh database.
// It only talks HTTP to the console, so no change inside lib/ changes what it measures.
import { join } from 'node:path';
import { MAX_USERS as SIM_MAX_USERS } from '../sim/cli-config';
import { DEMO_NAMED_USERS, DEMO_SDKAPPID } from '../sim/seed';
import { writeCsv } from './bench/csv';
import { ORDER_LABELS, rowOrder } from './bench/orders';
import { postgresPass, SCENARIOS } from './bench/postgres';
import { printPostgresTables } from './bench/postgres-report';
import { build, makeTempDir, shutdown, startSimulator, startStack } from './bench/processes';
import { fmt, printStagingTable, stagingCountsRight } from './bench/report';
import { fullPass, sharedBudgetPass } from './bench/scenarios';
import {
  BASELINE_USERS,
  POSTGRES,
  POSTGRES_USERS,
  QPS,
  SHARED_BUDGET,
  SKIP_BUILD,
  STAGING,
  STAGING_CAP_S,
  STAGING_ORDERS,
  STAGING_ROWS,
  STAGING_WINDOW_S,
  USERS,
} from './bench/settings';
import { stagingPass } from './bench/staging';

async function staging(): Promise<void> {
  const users = Math.max(...STAGING_ORDERS.map((order) => rowOrder(order, STAGING_ROWS).users));
  console.log(
    `Benchmark, staging: ${fmt(STAGING_ROWS)} rows in each order (${STAGING_ORDERS.map((o) => ORDER_LABELS[o]).join(', ')}) uploaded over HTTP to a fresh console,` +
      ` cut off at ${STAGING_CAP_S} s, then ${STAGING_WINDOW_S} s of the removal from it; TIM_MAX_QPS=${QPS}, simulator latency 20 ms, 1 % 91000`,
  );
  if (users + DEMO_NAMED_USERS.length > SIM_MAX_USERS) {
    console.log(`The simulator holds at most ${fmt(SIM_MAX_USERS)} users: rows naming users past user${SIM_MAX_USERS - DEMO_NAMED_USERS.length} fail with 70107 and are not removed.`);
  }
  if (!SKIP_BUILD) await build();
  const dir = makeTempDir();
  try {
    const sim = await startSimulator(Math.min(users + DEMO_NAMED_USERS.length, SIM_MAX_USERS));
    const measured = await stagingPass(dir, sim, STAGING_ORDERS, STAGING_ROWS);
    printStagingTable(measured, STAGING_CAP_S, STAGING_WINDOW_S);
    if (!stagingCountsRight(measured)) process.exitCode = 1;
  } finally {
    await shutdown();
  }
}

async function postgres(): Promise<void> {
  console.log(
    `Benchmark, Postgres: a removal of ${fmt(POSTGRES_USERS)} users per app over HTTP, in turn ${SCENARIOS.map((s) => s.label).join('; ')};` +
      ` each app maxQps=${QPS}, simulator latency 20 ms, 1 % 91000`,
  );
  if (POSTGRES_USERS + DEMO_NAMED_USERS.length > SIM_MAX_USERS) {
    console.log(`The simulator holds at most ${fmt(SIM_MAX_USERS)} users per app: the CSV's users past user${SIM_MAX_USERS - DEMO_NAMED_USERS.length} fail with 70107 (the requests are the same).`);
  }
  if (!SKIP_BUILD) await build();
  const dir = makeTempDir();
  try {
    const csvPath = join(dir, 'bench.csv');
    const measured = await postgresPass(dir, csvPath, await writeCsv(csvPath, POSTGRES_USERS));
    printPostgresTables(measured);
    if (measured.some((m) => m.error)) process.exitCode = 1;
  } finally {
    await shutdown();
  }
}

async function main(): Promise<void> {
  if (STAGING) return staging();
  if (POSTGRES) return postgres();
  // The ten named demo users come first, so user00001 … userN needs N + 10 seeded.
  const simUsersCount = Math.min(Math.max(USERS, SHARED_BUDGET ? 0 : BASELINE_USERS) + DEMO_NAMED_USERS.length, SIM_MAX_USERS);
  console.log(
    SHARED_BUDGET
      ? `Benchmark, shared budget: a removal of ${fmt(USERS)} users over HTTP through a TIM_APPS_FILE app with sharedBudget: true, maxQps=${QPS}, simulator latency 20 ms, 1 % 91000`
      : `Benchmark: ${fmt(USERS)} users over HTTP (dry run, removal, restore; baseline ${fmt(BASELINE_USERS)}), TIM_MAX_QPS=${QPS}, simulator latency 20 ms, 1 % 91000`,
  );
  if (simUsersCount < USERS + DEMO_NAMED_USERS.length) {
    console.log(`The simulator holds at most ${fmt(SIM_MAX_USERS)} users: the CSV's users past user${SIM_MAX_USERS - DEMO_NAMED_USERS.length} fail with 70107 (the requests are the same).`);
  }
  if (!SKIP_BUILD) await build();

  const dir = makeTempDir();
  let pass: boolean;
  try {
    const csvPath = join(dir, 'bench.csv');
    const bytes = await writeCsv(csvPath, USERS);
    const apps = (sim: string) => [
      { id: 'default', sdkAppId: DEMO_SDKAPPID, baseUrl: sim, secretKeyEnv: 'BENCH_TIM_SECRET_KEY', maxQps: QPS, sharedBudget: true },
    ];
    const stack = await startStack(dir, simUsersCount, SHARED_BUDGET ? apps : null);
    pass = SHARED_BUDGET ? await sharedBudgetPass(stack, csvPath, bytes) : await fullPass(stack, csvPath, bytes);
  } finally {
    await shutdown();
  }
  if (!pass) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void shutdown().then(() => process.exit(130)));
}

main().catch((err: unknown) => {
  console.error(err);
  void shutdown().then(() => process.exit(1));
});
