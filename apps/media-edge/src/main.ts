// Distributed media-edge pod: `npm run start:media-edge` at the repository root.
import { ConfigError, loadMediaEdgeEnv } from './app/env.ts';
import { createServiceLogger } from './app/logger.ts';
import { startMediaEdgeService } from './app/service.ts';

let env;
try {
  env = loadMediaEdgeEnv();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`vr3-media-edge: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const logger = createServiceLogger(env.logLevel, 'vr3-media-edge', env.edgeId);

try {
  const service = await startMediaEdgeService(env, logger);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drain_timeout_ms: env.drainTimeoutMs }, 'shutting down');
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
  logger.fatal({ err }, 'start-up failed');
  process.exit(1);
}
