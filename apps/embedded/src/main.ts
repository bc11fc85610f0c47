import os from 'node:os';
import { ConfigError, loadConfig, type EmbeddedConfig } from './config.ts';
import { DataDirLockedError } from './data-dir.ts';
import { createLogger } from './logger.ts';
import { startProduct, type Product } from './product.ts';
import { STOP_SIGNALS, StopRequest, createStopSignalCounter } from './stop-signals.ts';

let config: EmbeddedConfig;
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

// Stop signals are handled from the start: one during start-up stops it and undoes what was
// started (the database server runs in its own session and would not see the terminal's Ctrl-C).
const startUp = new AbortController();
let product: Product | undefined;
let stopping = false;

/** Stops the product gracefully (once) and exits `code`, or 1 when a shutdown step failed. */
function stop(running: Product, code = 0): void {
  if (stopping) return;
  stopping = true;
  running.close().then(
    () => {
      logger.info('stopped');
      process.exit(code);
    },
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}

const nextStopRequest = createStopSignalCounter();
function onStopSignal(signal: NodeJS.Signals): void {
  const request = nextStopRequest();
  switch (request) {
    case null:
      return;
    case StopRequest.Drain:
      if (!product) {
        logger.info({ signal }, 'stopping during start-up');
        startUp.abort();
        return;
      }
      logger.info({ signal, drain_timeout_ms: config.drainTimeoutMs }, 'shutting down: draining live calls (Ctrl-C again ends them now)');
      stop(product);
      return;
    case StopRequest.Now:
      logger.warn({ signal }, 'ending live calls now (Ctrl-C again exits at once)');
      void product?.close({ drainTimeoutMs: 0 });
      return;
    case StopRequest.Exit:
      logger.warn({ signal }, 'exiting at once');
      process.exit(128 + os.constants.signals[signal]);
  }
}
for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);

try {
  product = await startProduct(config, logger, {
    signal: startUp.signal,
    // The control-plane thread died: no call can be admitted any more; live ones are drained.
    onFailure: (err) => {
      logger.fatal({ err }, 'control-plane thread failed: stopping');
      if (product) stop(product, 1);
    },
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
  // A stop asked for after start-up's last step.
  if (startUp.signal.aborted) stop(product);
} catch (err) {
  if (startUp.signal.aborted) {
    logger.info('stopped during start-up');
    process.exit(0);
  }
  if (err instanceof DataDirLockedError) {
    logger.fatal({ data_dir: config.dataDir, pid: err.pid }, 'data dir is in use by another process');
    process.exit(3);
  }
  logger.fatal({ err }, 'start-up failed');
  process.exit(1);
}
