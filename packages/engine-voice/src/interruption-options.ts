/**
 * The {@link InterruptionDetector} of a voice configuration: `interruption` and `vad` settings (or
 * their defaults) and the VAD's window length.
 */
import { SILERO_WINDOWS, VAD_DEFAULTS, VadEngine, WEBRTC_FRAME_MS, type Vad } from '@vr3/vad';
import { DEFAULT_BARGE_IN } from './barge-in.ts';
import { InterruptionDetector } from './interruptions.ts';
import { VOICE_DEFAULTS, type VoiceConfig } from './spec.ts';

/** The detector for `config`, on `vad` (at `sampleRate`); `enabled`: barge-in is on. */
export function interruptionDetectorFor(config: Pick<VoiceConfig, 'vad' | 'interruption'>, vad: Pick<Vad, 'engine'>, sampleRate: 16_000 | 8_000, enabled: boolean): InterruptionDetector {
  const threshold = config.vad?.threshold ?? VAD_DEFAULTS.threshold;
  return new InterruptionDetector({
    enabled,
    minDurationMs: config.interruption?.min_duration_ms ?? VOICE_DEFAULTS.interruptionMinDurationMs,
    onsetMs: VOICE_DEFAULTS.interruptionOnsetMs,
    threshold,
    stopThreshold: Math.max(0.01, threshold - VAD_DEFAULTS.stopThresholdOffset),
    minSilenceMs: config.vad?.min_silence_ms ?? VOICE_DEFAULTS.vadMinSilenceMs,
    resumeAfterMs: DEFAULT_BARGE_IN.resumeAfterMs,
    windowMs: vad.engine === VadEngine.WebRtc ? WEBRTC_FRAME_MS : (SILERO_WINDOWS[sampleRate].window * 1000) / sampleRate,
  });
}
