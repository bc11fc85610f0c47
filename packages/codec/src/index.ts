/**
 * `@vr3/codec`: pure telephony audio codecs. G.711 μ-law/A-law, 16-bit PCM byte order, streaming
 * sample-rate conversion, fixed-size re-framing and WAV files. No I/O, no environment, no sockets.
 */
export { CodecError, CodecErrorCode, type CodecErrorOptions } from './errors.ts';
export { mulawDecode, mulawEncode, mulawToLinear, linearToMulaw, MULAW_SILENCE } from './mulaw.ts';
export { alawDecode, alawEncode, alawToLinear, linearToAlaw, ALAW_SILENCE } from './alaw.ts';
export { pcm16leToInt16, pcm16beToInt16, int16ToPcm16le, int16ToPcm16be } from './pcm16.ts';
export {
  SUPPORTED_SAMPLE_RATES,
  isSupportedSampleRate,
  assertSupportedSampleRate,
  type SupportedSampleRate,
} from './sample-rates.ts';
export { Resampler } from './resampler.ts';
export { Rechunker, RECHUNKER_DEFAULTS, type RechunkerOptions, type RechunkerFlushOptions } from './rechunker.ts';
export {
  readWav,
  writeWav,
  WavFormat,
  type WavAudio,
  type WriteWavOptions,
  type WriteWavPcm16Options,
  type WriteWavG711Options,
} from './wav.ts';
