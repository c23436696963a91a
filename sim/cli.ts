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
  const seed = demoSeed(cfg.userCount);
  const { secretKey, userCount, ...rest } = cfg;
  const sim = await startSimulator({ ...rest, secretKey, attrNames: seed.attrNames, users: seed.users });
  console.log(
    `TIM simulator listening on ${sim.url} (SDKAppID ${cfg.sdkAppId}, ${userCount} users, attributes: ${seed.attrNames.join(', ')})`,
  );
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
