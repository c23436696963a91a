// `npm run demo`: the console on the built-in TIM simulator and a local SQLite file, no Tencent account needed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startSimulator } from '../sim/server';
import { DEMO_SDKAPPID, DEMO_SECRET_KEY, demoSeed } from '../sim/seed';

const PORT = Number(process.env.PORT ?? 3000);
const SIM_PORT = Number(process.env.SIM_PORT ?? 4010);
/** Only ever used against the simulator on loopback; printed so a newcomer can sign in. */
const DEMO_ADMIN = { username: 'demo-admin', password: 'demo-admin-password' };

async function main(): Promise<void> {
  const seed = demoSeed(Number(process.env.SIM_USERS ?? 2000));
  const sim = await startSimulator({
    port: SIM_PORT,
    sdkAppId: DEMO_SDKAPPID,
    secretKey: DEMO_SECRET_KEY,
    attrNames: seed.attrNames,
    users: seed.users,
    latencyMs: 20,
  });
  console.log(`TIM simulator on ${sim.url}: ${Object.keys(seed.users).length} users (alice, bob, … user00001 …), attributes ${seed.attrNames.join(', ')}`);

  const server = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-H', '127.0.0.1', '-p', String(PORT)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      TIM_SDKAPPID: String(DEMO_SDKAPPID),
      TIM_SECRET_KEY: DEMO_SECRET_KEY,
      TIM_BASE_URL: sim.url,
      DATABASE_PATH: process.env.DATABASE_PATH ?? './data/demo.db',
      SESSION_SECRET: process.env.SESSION_SECRET ?? randomBytes(36).toString('base64'),
      CONSOLE_ADMIN_USERNAME: DEMO_ADMIN.username,
      CONSOLE_ADMIN_PASSWORD: DEMO_ADMIN.password,
      CONSOLE_ENV_LABEL: process.env.CONSOLE_ENV_LABEL ?? 'demo',
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
      console.log(`Sign in as ${DEMO_ADMIN.username} / ${DEMO_ADMIN.password} (demo only: the simulator's app, on this machine)\n`);
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
