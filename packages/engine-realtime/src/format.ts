/**
 * The audio format of a realtime session: a μ-law (or A-law) 8 kHz call is passed through
 * untouched (`audio/pcmu`, `audio/pcma`); any other call runs at PCM16 24 kHz, the edge resampling
 * between it and the wire. Pure.
 */
import type { MediaFormat } from '@vr3/protocol';
import type { RealtimeAudioFormat } from '@vr3/vendors';

/** PCM16 rate of a session that does not pass the call's audio through (the Realtime API's). */
export const REALTIME_SAMPLE_RATE = 24_000;

/** The session format for a call in `caller`, and the matching Realtime audio format. */
export function realtimeFormatOf(caller: MediaFormat): { format: MediaFormat; wire: RealtimeAudioFormat } {
  if (caller.sampleRate === 8000 && caller.encoding === 'mulaw') return { format: { encoding: 'mulaw', sampleRate: 8000 }, wire: 'pcmu' };
  if (caller.sampleRate === 8000 && caller.encoding === 'alaw') return { format: { encoding: 'alaw', sampleRate: 8000 }, wire: 'pcma' };
  return { format: { encoding: 'pcm16le', sampleRate: REALTIME_SAMPLE_RATE }, wire: 'pcm16' };
}
