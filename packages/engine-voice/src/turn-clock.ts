/**
 * The latency of one voice turn, measured from the end of the caller's speech: when STT answered,
 * the LLM's first token, the TTS's first audio and the first audio sent; one `metric` run event
 * each (`stt_latency_ms`, `llm_first_token_ms`, `tts_first_audio_ms`, `first_audio_sent_ms`).
 */
import type { AgentIO } from '@vr3/agent';

/** Timestamps of one turn (the session's monotonic clock, ms). */
export interface TurnClock {
  endOfSpeech: number;
  sttFinal?: number;
  llmFirstToken?: number;
  ttsFirstAudio?: number;
  firstAudioSent?: number;
}

/** Emits the turn's latency metrics (those it reached). */
export function emitLatency(io: AgentIO, clock: TurnClock): void {
  const since = (t: number | undefined): number | undefined => (t === undefined ? undefined : Math.round(t - clock.endOfSpeech));
  const metrics: Array<[string, number | undefined]> = [
    ['stt_latency_ms', since(clock.sttFinal)],
    ['llm_first_token_ms', since(clock.llmFirstToken)],
    ['tts_first_audio_ms', since(clock.ttsFirstAudio)],
    ['first_audio_sent_ms', since(clock.firstAudioSent)],
  ];
  for (const [name, value] of metrics) if (value !== undefined) io.emit({ type: 'metric', data: { name, value, unit: 'ms' } });
}
