import { defineEngineSpec } from '@vr3/agent';
import { z } from 'zod';

/** PCM16 rates the echo agent can work at. */
export const ECHO_SAMPLE_RATES = [8000, 16000, 24000, 48000] as const;

/** `engine: {type: "echo", hangup_dtmf?, sample_rate?}`. */
export const EchoConfigSchema = z.strictObject({
  type: z.literal('echo'),
  /** Diagnostics: when the caller presses this DTMF digit, the echo agent hangs up. */
  hangup_dtmf: z.string().regex(/^[0-9*#A-D]$/).optional(),
  /** PCM16 rate the echo agent works at (default 16000, so both resamplers run on μ-law calls). */
  sample_rate: z.union(ECHO_SAMPLE_RATES.map((r) => z.literal(r)) as [z.ZodLiteral<8000>, z.ZodLiteral<16000>, z.ZodLiteral<24000>, z.ZodLiteral<48000>]).optional(),
});
/** The echo engine's configuration. */
export type EchoConfig = z.infer<typeof EchoConfigSchema>;

/** The echo engine's spec: no secrets. */
export const echoEngineSpec = defineEngineSpec({
  type: 'echo',
  configSchema: EchoConfigSchema,
  description: 'plays the caller\'s audio straight back (diagnostics, benchmarks)',
});
