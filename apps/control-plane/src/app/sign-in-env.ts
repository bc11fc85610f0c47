import { z } from 'zod';
import { envInt } from '@vr3/env';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password.ts';

/**
 * The sign-in variables, to spread into an app's environment schema (the distributed control-plane
 * and the embedded product read the same ones):
 * - `VR3_BOOTSTRAP_PASSWORD`: the bootstrap admin's password, set on a start when that admin has none
 *   (12 to 256 characters); unset, a first start generates one and prints it once.
 * - `VR3_BOOTSTRAP_EMAIL`: the bootstrap admin's sign-in email when it has none (default `admin@localhost`).
 * - `VR3_SESSION_IDLE_TIMEOUT_MS`: a session unused this long ends (default 8 hours).
 * - `VR3_SESSION_MAX_AGE_MS`: a session ends this long after sign-in (default 7 days).
 */
export const SIGN_IN_ENV = {
  VR3_BOOTSTRAP_PASSWORD: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `VR3_BOOTSTRAP_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH, `VR3_BOOTSTRAP_PASSWORD must be at most ${MAX_PASSWORD_LENGTH} characters`)
    .optional(),
  // `name@host`: a single-label host (the default `admin@localhost`) is fine for a sign-in name.
  VR3_BOOTSTRAP_EMAIL: z
    .string()
    .max(320, 'VR3_BOOTSTRAP_EMAIL must be at most 320 characters')
    .regex(/^[^\s@]+@[^\s@]+$/, 'VR3_BOOTSTRAP_EMAIL must be an email address (name@host)')
    .optional(),
  VR3_SESSION_IDLE_TIMEOUT_MS: envInt('VR3_SESSION_IDLE_TIMEOUT_MS', 60_000),
  VR3_SESSION_MAX_AGE_MS: envInt('VR3_SESSION_MAX_AGE_MS', 60_000),
} as const;

/** What {@link signInSettings} reads. */
export interface SignInSettings {
  bootstrapPassword: string | undefined;
  bootstrapEmail: string | undefined;
  /** Undefined: the control-plane's default. */
  sessionIdleTimeoutMs: number | undefined;
  /** Undefined: the control-plane's default. */
  sessionMaxAgeMs: number | undefined;
}

/** The sign-in settings of a parsed environment (see {@link SIGN_IN_ENV}). */
export function signInSettings(e: z.infer<z.ZodObject<typeof SIGN_IN_ENV>>): SignInSettings {
  return {
    bootstrapPassword: e.VR3_BOOTSTRAP_PASSWORD,
    bootstrapEmail: e.VR3_BOOTSTRAP_EMAIL,
    sessionIdleTimeoutMs: e.VR3_SESSION_IDLE_TIMEOUT_MS,
    sessionMaxAgeMs: e.VR3_SESSION_MAX_AGE_MS,
  };
}
