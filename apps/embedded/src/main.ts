import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './data-dir.ts';
import { createLogger } from './logger.ts';
import { startProduct } from './product.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`vr3: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const logger = createLogger(config.logLevel);

try {
  const product = await startProduct(config, logger);
  if (product.createdApiKey) {
    // Printed once, on the terminal only: the key is stored hashed and cannot be shown again.
    process.stdout.write(
      `\nVR3 admin API key (shown once, store it now):\n\n  ${product.createdApiKey}\n\n` +
        `Use it as: Authorization: Bearer <key>\n\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    product.close().then(
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
  if (err instanceof DataDirLockedError) {
    logger.fatal({ data_dir: config.dataDir, pid: err.pid }, 'data dir is in use by another process');
    process.exit(3);
  }
  logger.fatal({ err }, 'start-up failed');
  process.exit(1);
}
