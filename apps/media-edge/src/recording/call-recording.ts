import { pcm16leToInt16 } from '@vr3/codec';
import type { MediaFormat } from '@vr3/protocol';
import { InboundTranscoder } from '../media/transcoder.ts';
import { CallTimeline } from './call-timeline.ts';
import { WavSpoolFile, type SpooledWav } from './wav-spool.ts';

/** Channels of a call recording: caller left, agent right. */
export const RECORDING_CHANNELS = 2;

/** What the media path tells a recorder: both directions as they crossed the provider socket. */
export interface MediaRecorder {
  /** A caller media payload as received (inbound wire format). */
  caller(payload: Uint8Array): void;
  /** An agent frame as sent to the provider (outbound wire format). */
  agent(frame: Uint8Array): void;
  /** The agent's audio was cleared (barge-in): what the provider had not played yet is gone. */
  clear(): void;
}

/** Options of {@link CallRecording}. */
export interface CallRecordingOptions {
  /** The spool file written while the call runs. */
  file: string;
  /** Caller audio's wire format: the recording's sample rate is its rate. */
  inbound: MediaFormat;
  /** Agent audio's wire format. */
  outbound: MediaFormat;
  /** The call clock (the media session's). */
  now: () => number;
  /** Bytes waiting for the disk at most (see {@link WavSpoolFile}). */
  maxBufferedBytes: number;
}

/** A finished call recording in its spool file. */
export interface FinishedRecording extends SpooledWav {
  sampleRate: number;
  channels: number;
  durationMs: number;
}

/**
 * One call's recording: both directions decoded to 16-bit PCM at the caller's rate, placed on the
 * call clock ({@link CallTimeline}) and streamed into a two-channel WAV spool file.
 */
export class CallRecording implements MediaRecorder {
  readonly sampleRate: number;
  private readonly callerDecoder: InboundTranscoder;
  private readonly agentDecoder: InboundTranscoder;
  private readonly timeline: CallTimeline;
  private readonly wav: WavSpoolFile;
  private failure: unknown = null;

  constructor(o: CallRecordingOptions) {
    this.sampleRate = o.inbound.sampleRate;
    const pcm: MediaFormat = { encoding: 'pcm16le', sampleRate: this.sampleRate };
    this.callerDecoder = new InboundTranscoder(o.inbound, pcm);
    this.agentDecoder = new InboundTranscoder(o.outbound, pcm);
    this.wav = new WavSpoolFile({ file: o.file, sampleRate: this.sampleRate, channels: RECORDING_CHANNELS, maxBufferedBytes: o.maxBufferedBytes });
    this.timeline = new CallTimeline({ sampleRate: this.sampleRate, now: o.now, write: (samples) => this.wav.write(samples) });
  }

  /** Audio bytes lost because the disk was behind. */
  get droppedBytes(): number {
    return this.wav.droppedBytes;
  }

  /** A step failed (a payload the decoder refused): the recording stops there, the call goes on. */
  get failed(): boolean {
    return this.failure !== null;
  }

  caller(payload: Uint8Array): void {
    if (this.failure) return;
    try {
      this.timeline.callerAudio(pcm16leToInt16(this.callerDecoder.process(payload)));
    } catch (err) {
      this.failure = err;
    }
  }

  agent(frame: Uint8Array): void {
    if (this.failure) return;
    try {
      this.timeline.agentAudio(pcm16leToInt16(this.agentDecoder.process(frame)));
    } catch (err) {
      this.failure = err;
    }
  }

  clear(): void {
    this.timeline.clear();
  }

  /** The call ended: writes what remains and closes the file with its sizes set. Idempotent. */
  async finish(): Promise<FinishedRecording> {
    this.timeline.finish();
    const spooled = await this.wav.finish();
    return { ...spooled, sampleRate: this.sampleRate, channels: RECORDING_CHANNELS, durationMs: Math.round((spooled.frames * 1000) / this.sampleRate) };
  }
}
