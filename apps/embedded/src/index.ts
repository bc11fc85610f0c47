export { loadConfig, ConfigError, EMBEDDED_DEFAULTS, type EmbeddedConfig } from './config.ts';
export { startProduct, AGENT_STREAM_PATH, type Product, type StartOptions } from './product.ts';
export { lockDataDir, DataDirLockedError } from './data-dir.ts';
export { createLogger } from './logger.ts';
export { startEmbeddedDatabase, type EmbeddedDatabase } from './database.ts';
