// The Postgres mode's three apps: each its own SDKAppID and key, as the simulator hosts them and as
// the console's TIM_APPS_FILE names them.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_NAMED_USERS, DEMO_SDKAPPID } from '../../sim/seed';
import { MAX_USERS as SIM_MAX_USERS } from '../../sim/cli-config';
import { QPS } from './settings';

export interface BenchApp {
  id: string;
  sdkAppId: number;
  secretKey: string;
  keyFile: string;
}

/** Three apps whose keys are written to files in `dir`: the apps file names a key by reference only. */
export function benchApps(dir: string): BenchApp[] {
  return [1, 2, 3].map((n) => {
    const app = { id: `app${n}`, sdkAppId: DEMO_SDKAPPID + n, secretKey: randomBytes(32).toString('hex'), keyFile: join(dir, `app${n}.key`) };
    writeFileSync(app.keyFile, app.secretKey, { mode: 0o600 });
    return app;
  });
}

/** SIM_APPS: each app with the CSV's `users` (user00001 … come after the ten named demo users). */
export const simApps = (apps: BenchApp[], users: number) =>
  apps.map((a) => ({ sdkAppId: a.sdkAppId, secretKey: a.secretKey, label: a.id, users: Math.min(users + DEMO_NAMED_USERS.length, SIM_MAX_USERS) }));

/** TIM_APPS_FILE: every app at the ceiling TIM_MAX_QPS gives the single app, with its own budget per API. */
export const appsFile = (apps: BenchApp[]) => (sim: string) =>
  apps.map((a) => ({ id: a.id, sdkAppId: a.sdkAppId, baseUrl: sim, secretKeyFile: a.keyFile, maxQps: QPS }));
