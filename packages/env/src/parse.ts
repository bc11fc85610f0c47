import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** An optional integer variable of at least `min`; the error names the variable. */
export const envInt = (name: string, min: number) =>
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

/** An optional boolean variable: `true`/`1` or `false`/`0`; unset is false. */
export const envBool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** A required URL variable (a comma-separated list allowed) with one of `schemes`. */
export const envUrl = (name: string, schemes: readonly string[]) =>
  z
    .string({ error: `${name} is required` })
    .min(1, `${name} is required`)
    .refine((v) => v.split(',').every((u) => schemes.some((s) => u.trim().startsWith(`${s}://`))), `${name} must be a ${schemes.join(' or ')} URL`);

/**
 * Parses `env` with `schema`. An empty variable counts as unset (compose files pass `${VAR:-}`).
 * Throws {@link ConfigError} naming the first bad variable.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`invalid environment: ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
