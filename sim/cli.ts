// `npm run sim`: start the TIM simulator on loopback with the demo seed, configured from SIM_* env vars.
import { startSimulator } from './server';
import { demoSeed } from './seed';
import { ConfigError, readCliConfig, type CliConfig } from './cli-config';

async function main(): Promise<void> {
  let cfg: CliConfig;
  try {
    cfg = readCliConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`TIM simulator: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const { port, qpsLimit, latencyMs, latencyJitterMs, faults } = cfg;
  // Each app gets its index as the seed variant: the same user IDs, other values.
  const apps = cfg.apps.map((app, i) => ({ app, seed: demoSeed(app.userCount, i) }));
  const sim = await startSimulator({
    port,
    latencyMs,
    latencyJitterMs,
    faults,
    apps: apps.map(({ app, seed }) => ({
      sdkAppId: app.sdkAppId,
      secretKey: app.secretKey,
      label: app.label,
      admins: app.admins,
      qpsLimit: app.qpsLimit ?? qpsLimit,
      attrNames: seed.attrNames,
      users: seed.users,
    })),
  });
  console.log(`TIM simulator listening on ${sim.url}`);
  // One line per app; never the key.
  for (const { app, seed } of apps) {
    const label = app.label === undefined ? '' : ` (${app.label})`;
    console.log(`  SDKAppID ${app.sdkAppId}${label}: ${app.userCount} users, attributes: ${seed.attrNames.join(', ')}`);
  }
  if (cfg.ignored.length > 0) console.log(`  SIM_APPS is set, so ${cfg.ignored.join(', ')} ${cfg.ignored.length === 1 ? 'is' : 'are'} ignored`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => {
        console.log(`TIM simulator stopped (${signal})`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error('TIM simulator: error while stopping', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // Never echo the config object here: it carries the secret key.
  console.error('TIM simulator failed to start:', err instanceof Error ? err.message : String(err));
  process.exit(1);
});
