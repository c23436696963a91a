// `npm run demo`: the console on the built-in TIM simulator and a local SQLite file, no Tencent account
// needed. The simulator hosts two apps, a staging and a production one, and the console is given both.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startSimulator } from '../sim/server';
import { DEMO_SECRET_KEY, demoSeed } from '../sim/seed';

const PORT = Number(process.env.PORT ?? 3000);
const SIM_PORT = Number(process.env.SIM_PORT ?? 4010);
const USERS = Number(process.env.SIM_USERS ?? 2000);
const DATABASE_PATH = process.env.DATABASE_PATH ?? './data/demo.db';
/** Only ever used against the simulator on loopback; printed so a newcomer can sign in. */
const DEMO_ADMIN = { username: 'demo-admin', password: 'demo-admin-password' };

const DEMO_APPS = [
  { id: 'staging', label: 'Demo staging', sdkAppId: 1400000001, envLabel: 'staging', keyEnv: 'DEMO_STAGING_SECRET_KEY', key: `${DEMO_SECRET_KEY}-staging` },
  { id: 'production', label: 'Demo production', sdkAppId: 1400000002, envLabel: 'production', keyEnv: 'DEMO_PRODUCTION_SECRET_KEY', key: `${DEMO_SECRET_KEY}-production` },
] as const;

async function main(): Promise<void> {
  const sim = await startSimulator({
    port: SIM_PORT,
    latencyMs: 20,
    apps: DEMO_APPS.map((a, i) => {
      const seed = demoSeed(USERS, i);
      return { sdkAppId: a.sdkAppId, secretKey: a.key, label: a.label, attrNames: seed.attrNames, users: seed.users };
    }),
  });
  const seed = demoSeed(USERS);
  console.log(`TIM simulator on ${sim.url}: apps ${DEMO_APPS.map((a) => `${a.label} (${a.sdkAppId})`).join(' and ')}, ${USERS} users each (alice, bob, … user00001 …), attributes ${seed.attrNames.join(', ')}`);

  // The apps file names each key by environment variable, as a real deployment would.
  const appsFile = resolve(dirname(DATABASE_PATH), 'demo-apps.json');
  mkdirSync(dirname(appsFile), { recursive: true });
  writeFileSync(
    appsFile,
    `${JSON.stringify(
      DEMO_APPS.map((a) => ({ id: a.id, label: a.label, sdkAppId: a.sdkAppId, baseUrl: sim.url, secretKeyEnv: a.keyEnv, envLabel: a.envLabel })),
      null,
      2,
    )}\n`,
  );

  const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts', '-H', '127.0.0.1', '-p', String(PORT)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      TIM_APPS_FILE: appsFile,
      ...Object.fromEntries(DEMO_APPS.map((a) => [a.keyEnv, a.key])),
      DATABASE_PATH,
      SESSION_SECRET: process.env.SESSION_SECRET ?? randomBytes(36).toString('base64'),
      CONSOLE_ADMIN_USERNAME: DEMO_ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: DEMO_ADMIN.password,
    },
  });

  let exited = false;
  server.on('exit', async (code) => {
    exited = true;
    await sim.close();
    process.exit(code ?? 1);
  });

  const url = `http://127.0.0.1:${PORT}`;
  for (let i = 0; i < 150 && !exited; i++) {
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) {
      console.log(`\nConsole ready: ${url}/login   (Ctrl+C stops both)`);
      console.log(`Sign in as ${DEMO_ADMIN.username} / ${DEMO_ADMIN.password} (demo only: the simulator's apps, on this machine)`);
      console.log(`Switch between the two apps with the "App" list in the header.\n`);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const stop = async () => {
    server.kill('SIGTERM');
    await sim.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('Demo failed to start:', err instanceof Error ? err.message : String(err));
  process.exit(1);
});
