/** Sample encodings that appear on provider sockets. */
export const AudioEncoding = {
  Mulaw: 'mulaw',
  Alaw: 'alaw',
  Pcm16Le: 'pcm16le',
  Pcm16Be: 'pcm16be',
} as const;

/** One of {@link AudioEncoding}. */
export type AudioEncoding = (typeof AudioEncoding)[keyof typeof AudioEncoding];

/** The negotiated audio format of one direction of a stream. Always mono. */
export interface MediaFormat {
  encoding: AudioEncoding;
  /** Samples per second: 8000, 16000, 24000 or 48000. */
  sampleRate: number;
}

/** μ-law at 8 kHz: Twilio-compatible telephony audio. */
export const MULAW_8K: MediaFormat = Object.freeze({ encoding: AudioEncoding.Mulaw, sampleRate: 8000 });
