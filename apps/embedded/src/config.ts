import path from 'node:path';
import { z } from 'zod';

/** Defaults of the embedded product, each overridable by the environment variable named beside it. */
export const EMBEDDED_DEFAULTS = {
  /** PORT: HTTP + WebSocket port. 0 picks a free one (printed in the `listening` log line). */
  port: 8080,
  /** HOST: interface to bind. */
  host: '0.0.0.0',
  /** VR3_DATA_DIR: database files, generated secret key and the process lock. */
  dataDir: './.vr3',
  /** VR3_HANDSHAKE_TIMEOUT_MS: deadline for `connected`/`start` after the socket opens. */
  handshakeTimeoutMs: 10_000,
  /** VR3_DRAIN_TIMEOUT_MS: how long live calls may run on after SIGTERM before they are ended. */
  drainTimeoutMs: 30_000,
  /** VR3_PROVIDER_TIMEOUT_MS: timeout of one provider REST call (session validation, hangup). */
  providerTimeoutMs: 5_000,
  /** LOG_LEVEL: pino level. */
  logLevel: 'info',
} as const;

const boolFromEnv = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const intFromEnv = (name: string, min: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer ≥ ${min}` });
        return z.NEVER;
      }
      return n;
    });

const EnvSchema = z.object({
  PORT: intFromEnv('PORT', 0),
  HOST: z.string().min(1).optional(),
  VR3_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  VR3_SECRET_KEY: z.string().min(1).optional(),
  VR3_BOOTSTRAP_API_KEY: z.string().min(16, 'VR3_BOOTSTRAP_API_KEY must be at least 16 characters').optional(),
  VR3_ALLOW_INSECURE_PROVIDER_URLS: boolFromEnv,
  VR3_HANDSHAKE_TIMEOUT_MS: intFromEnv('VR3_HANDSHAKE_TIMEOUT_MS', 100),
  VR3_DRAIN_TIMEOUT_MS: intFromEnv('VR3_DRAIN_TIMEOUT_MS', 0),
  VR3_PROVIDER_TIMEOUT_MS: intFromEnv('VR3_PROVIDER_TIMEOUT_MS', 100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** Parsed configuration of the embedded product. */
export interface EmbeddedConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  bootstrapApiKey: string | undefined;
  allowInsecureProviderUrls: boolean;
  handshakeTimeoutMs: number;
  drainTimeoutMs: number;
  providerTimeoutMs: number;
  logLevel: string;
}

/** Raised when the environment is invalid; the message names the variable. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
}

/** Parses the environment once at boot; throws {@link ConfigError} naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedConfig {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`invalid environment: ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  const e = result.data;
  return {
    port: e.PORT ?? EMBEDDED_DEFAULTS.port,
    host: e.HOST ?? EMBEDDED_DEFAULTS.host,
    dataDir: path.resolve(e.VR3_DATA_DIR ?? EMBEDDED_DEFAULTS.dataDir),
    databaseUrl: e.DATABASE_URL,
    secretKey: e.VR3_SECRET_KEY,
    bootstrapApiKey: e.VR3_BOOTSTRAP_API_KEY,
    allowInsecureProviderUrls: e.VR3_ALLOW_INSECURE_PROVIDER_URLS,
    handshakeTimeoutMs: e.VR3_HANDSHAKE_TIMEOUT_MS ?? EMBEDDED_DEFAULTS.handshakeTimeoutMs,
    drainTimeoutMs: e.VR3_DRAIN_TIMEOUT_MS ?? EMBEDDED_DEFAULTS.drainTimeoutMs,
    providerTimeoutMs: e.VR3_PROVIDER_TIMEOUT_MS ?? EMBEDDED_DEFAULTS.providerTimeoutMs,
    logLevel: e.LOG_LEVEL ?? EMBEDDED_DEFAULTS.logLevel,
  };
}
