/**
 * The `silence` section of an engine that speaks for itself (`voice`, `realtime`): when the caller
 * says nothing after the agent finished speaking, ask again after `reprompt_after_s` (saying
 * `reprompt`), and hang up after `hangup_after_s` of silence in all (saying `goodbye` first, when
 * set). Either may be left out. The engine runs it with a {@link SilenceWatch}.
 */
import { z } from 'zod';
import type { SilenceOptions } from './silence.ts';

/** See the module comment. Seconds may be fractional. */
export const SilenceConfigSchema = z.strictObject({
  reprompt_after_s: z.number().min(2).max(600).optional(),
  reprompt: z.string().min(1).max(1000).optional(),
  hangup_after_s: z.number().min(2).max(3600).optional(),
  goodbye: z.string().min(1).max(1000).optional(),
});
/** See {@link SilenceConfigSchema}. */
export type SilenceConfig = z.infer<typeof SilenceConfigSchema>;

/** The {@link SilenceWatch} options of a `silence` section, in ms; null when it sets no duration. */
export function silenceOptionsOf(silence: SilenceConfig | undefined): SilenceOptions | null {
  if (silence?.reprompt_after_s === undefined && silence?.hangup_after_s === undefined) return null;
  const ms = (s: number | undefined): number | undefined => (s === undefined ? undefined : s * 1000);
  return { repromptAfterMs: ms(silence.reprompt_after_s), hangupAfterMs: ms(silence.hangup_after_s) };
}
