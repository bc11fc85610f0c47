// Distributed control-plane replica: `npm run start:control-plane` at the repository root.
import { productEngineCatalog } from './engines/product-catalog.ts';
import { ConfigError, loadControlPlaneEnv } from './app/env.ts';
import { createServiceLogger } from './app/logger.ts';
import { startControlPlaneService } from './app/service.ts';

let env;
try {
  env = loadControlPlaneEnv();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`vr3-control-plane: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const logger = createServiceLogger(env.logLevel, 'vr3-control-plane', env.instanceId);
// Every engine the media-edges run: agent configurations are validated with their specs. The
// bridge is registered by its spec alone, so this process never loads the bridge runtime.
const engines = productEngineCatalog();

try {
  const service = await startControlPlaneService(env, logger, engines, {
    // Printed once, on the terminal only: the key is stored hashed (after this returned) and cannot
    // be shown again. A start that fails before this stores no key: the next one prints one.
    onApiKeyCreated: (key) => {
      process.stdout.write(`\nVR3 admin API key (shown once, store it now):\n\n  ${key}\n\nUse it as: Authorization: Bearer <key>\n\n`);
    },
    // The same for the bootstrap admin's generated sign-in password (none with VR3_BOOTSTRAP_PASSWORD).
    onPasswordCreated: ({ email, password }) => {
      process.stdout.write(`\nVR3 admin sign-in (password shown once, store it now):\n\n  email:    ${email}\n  password: ${password}\n\n`);
    },
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`vr3-control-plane: ${err.message}\n`);
    process.exit(2);
  }
  logger.fatal({ err }, 'start-up failed');
  process.exit(1);
}
