import type { z } from 'zod';
import { ConfigError, envInt } from '@vr3/env';
import { DEFAULT_CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config.ts';

/** Upper bounds of the webhook variables. */
const MAX = { attempts: 100, timeoutMs: 120_000 } as const;

/**
 * The webhook variables, to spread into an app's environment schema (the distributed control-plane
 * and the embedded product read the same ones; defaults in `DEFAULT_CONTROL_PLANE_CONFIG`):
 * - `VR3_WEBHOOK_ATTEMPTS`: attempts at one delivery before it is given up (1–100, default 14).
 * - `VR3_WEBHOOK_BACKOFF_MS`: delay before the first retry, doubled for each further one (default 30 s).
 * - `VR3_WEBHOOK_MAX_BACKOFF_MS`: longest delay between two attempts (default 6 h; ≥ the backoff).
 * - `VR3_WEBHOOK_TIMEOUT_MS`: deadline of one attempt (100–120000, default 10 s).
 */
export const WEBHOOK_ENV = {
  VR3_WEBHOOK_ATTEMPTS: envInt('VR3_WEBHOOK_ATTEMPTS', 1).refine((v) => v === undefined || v <= MAX.attempts, `VR3_WEBHOOK_ATTEMPTS must be at most ${MAX.attempts}`),
  VR3_WEBHOOK_BACKOFF_MS: envInt('VR3_WEBHOOK_BACKOFF_MS', 10),
  VR3_WEBHOOK_MAX_BACKOFF_MS: envInt('VR3_WEBHOOK_MAX_BACKOFF_MS', 10),
  VR3_WEBHOOK_TIMEOUT_MS: envInt('VR3_WEBHOOK_TIMEOUT_MS', 100).refine((v) => v === undefined || v <= MAX.timeoutMs, `VR3_WEBHOOK_TIMEOUT_MS must be at most ${MAX.timeoutMs}`),
} as const;

/** The webhook settings given in the environment; absent ones keep the control-plane's defaults. */
export type WebhookSettings = Partial<Pick<ControlPlaneConfig, 'webhookAttempts' | 'webhookBackoffMs' | 'webhookMaxBackoffMs' | 'webhookTimeoutMs'>>;

/**
 * The webhook settings of a parsed environment (see {@link WEBHOOK_ENV}). Throws {@link ConfigError}
 * when the largest delay is below the first one.
 */
export function webhookSettings(e: z.infer<z.ZodObject<typeof WEBHOOK_ENV>>): WebhookSettings {
  const d = DEFAULT_CONTROL_PLANE_CONFIG;
  const backoff = e.VR3_WEBHOOK_BACKOFF_MS ?? d.webhookBackoffMs;
  const maxBackoff = e.VR3_WEBHOOK_MAX_BACKOFF_MS ?? Math.max(d.webhookMaxBackoffMs, backoff);
  if (maxBackoff < backoff) {
    throw new ConfigError(`invalid environment: VR3_WEBHOOK_MAX_BACKOFF_MS: must be at least VR3_WEBHOOK_BACKOFF_MS (${backoff} ms)`);
  }
  const settings: WebhookSettings = {};
  if (e.VR3_WEBHOOK_ATTEMPTS !== undefined) settings.webhookAttempts = e.VR3_WEBHOOK_ATTEMPTS;
  if (e.VR3_WEBHOOK_BACKOFF_MS !== undefined) settings.webhookBackoffMs = e.VR3_WEBHOOK_BACKOFF_MS;
  if (e.VR3_WEBHOOK_MAX_BACKOFF_MS !== undefined || maxBackoff !== d.webhookMaxBackoffMs) settings.webhookMaxBackoffMs = maxBackoff;
  if (e.VR3_WEBHOOK_TIMEOUT_MS !== undefined) settings.webhookTimeoutMs = e.VR3_WEBHOOK_TIMEOUT_MS;
  return settings;
}
