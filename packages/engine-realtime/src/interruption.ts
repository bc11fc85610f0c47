/**
 * Barge-in of the `realtime` engine, decided by VR3 from the vendor's server VAD: at
 * `speech_started` over the agent, the agent is paused (the provider drops what it buffered; VR3
 * keeps what was not heard) and the vendor is asked not to answer the speech on its own. At
 * `speech_stopped` the speech's length decides: at least `minDurationMs` is an interruption (the
 * agent's items are truncated at what was heard and the caller's turn is answered); shorter is a
 * noise (a cough, a door) and the agent resumes where it stopped — unless the caller's speech is
 * transcribed and its transcript, awaited briefly, has words. A response the vendor starts on its
 * own meanwhile means it took the speech as a turn: an interruption too. Pure.
 */

/** Defaults of the `interruption` settings. */
export const INTERRUPTION_DEFAULTS = {
  /** Caller speech over the agent at least this long interrupts it; shorter only pauses it. */
  minDurationMs: 500,
  /**
   * The vendor's silence that ends speech when the agent sets none (OpenAI's `server_vad`
   * `silence_duration_ms` default): `speech_stopped`'s `audio_end_ms` includes it.
   */
  vendorSilenceMs: 500,
  /**
   * With caller transcription on, how long the transcript of speech too short to interrupt is
   * awaited: words in it ("No.") interrupt after all; none, or none in time, resume the agent.
   */
  transcriptWaitMs: 700,
} as const;

/** What the caller's speech over the agent turned out to be. */
export type InterruptionVerdict = 'interrupt' | 'resume';

/**
 * The verdict on speech the server VAD reported from `audioStartMs` to `audioEndMs` (input audio
 * positions; the end includes the `silenceMs` of quiet that ended it).
 */
export function interruptionVerdict(speech: { audioStartMs: number; audioEndMs: number }, silenceMs: number, minDurationMs: number): InterruptionVerdict {
  const spokenMs = speech.audioEndMs - silenceMs - speech.audioStartMs;
  return spokenMs >= minDurationMs ? 'interrupt' : 'resume';
}

/** `audio.input.turn_detection.silence_duration_ms` of a session the vendor reported, when it is a number. */
export function vendorSilenceOf(session: Record<string, unknown>): number | undefined {
  const audio = session.audio as { input?: { turn_detection?: { silence_duration_ms?: unknown } | null } } | undefined;
  const ms = audio?.input?.turn_detection?.silence_duration_ms;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
