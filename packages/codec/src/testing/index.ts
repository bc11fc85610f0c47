/**
 * `@vr3/codec/testing`: helpers for other packages' tests (tone generation and measurement).
 * Never import from production code.
 */
export { sine, rms, dominantFrequency, toneAmplitude, DEFAULT_TONE_AMPLITUDE } from './signals.ts';
