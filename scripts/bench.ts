// `npm run bench`: what an operator sees, over HTTP, from the production console (`next start`) on
// the simulator (20 ms latency, 1 % 91000): sign in, upload a generated CSV (upload→preview), then
// three runs of its users one after the other, each timed from its start to `completed` while the
// console's memory and /api/health are sampled: a dry run (get_attr only), the removal from that
// dry run (get_attr, then remove_attr, per batch) and the restore of that removal (get_attr, then
// set_attr). Then a sample of users checked against the simulator's state (as before the dry run),
// the simulator's own arrivals per second and API, and a sequential baseline straight to the
// simulator. BENCH_SHARED_BUDGET=1 is another mode: one removal through a TIM_APPS_FILE app whose
// APIs share one budget (`sharedBudget: true`), where the snapshot costs a second floor.
// It only talks HTTP to the console, so no change inside lib/ changes what it measures.
import { join } from 'node:path';
import { MAX_USERS as SIM_MAX_USERS } from '../sim/cli-config';
import { DEMO_NAMED_USERS, DEMO_SDKAPPID } from '../sim/seed';
import { writeCsv } from './bench/csv';
import { build, makeTempDir, shutdown, startStack } from './bench/processes';
import { fmt } from './bench/report';
import { fullPass, sharedBudgetPass } from './bench/scenarios';
import { BASELINE_USERS, QPS, SHARED_BUDGET, SKIP_BUILD, USERS } from './bench/settings';

async function main(): Promise<void> {
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
