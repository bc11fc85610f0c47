/**
 * One simulated provider call, end to end, on the provider-side media clients of
 * `@vr3/providers/testing` (one interface, every supported provider): open the Agent Stream
 * socket, send the provider's handshake, stream audio in real time (one drift-free clock: frame n
 * leaves at t₀ + n × 20 ms), press DTMF keys on cue, answer playback markers once the audio before
 * them would have played, record what the agent sends, hang up the provider's way, and keep a
 * timeline of it all.
 */
import type { MediaFormat } from '@vr3/protocol';
import { connectMediaClient, type MediaCallOptions, type MediaClientProvider, type ProviderMediaClient } from '@vr3/providers/testing';
import { FRAME_MS, frameSamples } from '../audio/wire-format.ts';
import { SimulatorError, SimulatorErrorCode } from '../errors.ts';

/** One line of a call's timeline. */
export interface TimelineEntry {
  /** Milliseconds since the call started connecting. */
  atMs: number;
  event: string;
  detail?: Record<string, string | number>;
}

/** A DTMF key press `atMs` after the first media frame. */
export interface DtmfCue {
  atMs: number;
  digit: string;
}

/** Options of {@link runCall}. */
export interface RunCallOptions {
  /** The Agent Stream URL (with its query string). */
  url: string;
  provider: MediaClientProvider;
  /** Caller audio, PCM16 at the wire rate (`format.sampleRate`). */
  audio: Int16Array;
  /** Wire format announced in `start`; default the provider's usual one. */
  format?: MediaFormat;
  /** Identity of the call (`accountId`, ids, numbers); generated where absent. */
  call?: MediaCallOptions;
  dtmf?: DtmfCue[];
  /** Silence streamed after the audio before hanging up, ms. Default 1000. */
  tailMs?: number;
  /** `provider`: hang up the provider's way (`stop`, or a close where it has none; default). `close`: close the socket. */
  hangup?: 'provider' | 'close';
  /** TCP connect + upgrade deadline, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Wait for the socket to close after hanging up, ms. Default 3000. */
  closeTimeoutMs?: number;
  /** Called for every timeline entry as it happens. */
  onTimeline?: (entry: TimelineEntry) => void;
}

/** What happened on one call. */
export interface CallReport {
  provider: string;
  streamId: string;
  format: MediaFormat;
  timeline: TimelineEntry[];
  /** Socket open, ms after connecting started. */
  openMs: number;
  /** First agent audio, ms after connecting started (null: none came). */
  firstAudioMs: number | null;
  framesSent: number;
  framesReceived: number;
  marks: number;
  clears: number;
  /** Frames a provider would have rejected (binary, not JSON). */
  invalidFrames: number;
  /** Agent audio as received (PCM16 at the wire rate), clears ignored. */
  received: Int16Array;
  /** How the socket closed (null when it did not close in time). */
  close: { code: number; reason: string } | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `promise`, or `fallback` after `ms`; the timer is cleared as soon as `promise` settles, so a call
 * that ended leaves nothing that keeps the process alive.
 */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
const AUDIO_EVENTS = new Set(['media', 'playAudio']);
const MARK_EVENTS = new Set(['mark', 'checkpoint']);
const CLEAR_EVENTS = new Set(['clear', 'clearAudio']);

/** Runs one call; resolves once the socket is closed. Rejects (`connect_failed`) when it cannot be opened. */
export async function runCall(options: RunCallOptions): Promise<CallReport> {
  const t0 = performance.now();
  const timeline: TimelineEntry[] = [];
  const note = (event: string, detail?: Record<string, string | number>): void => {
    const entry: TimelineEntry = { atMs: Math.round((performance.now() - t0) * 10) / 10, event, ...(detail ? { detail } : {}) };
    timeline.push(entry);
    options.onTimeline?.(entry);
  };

  note('connecting', { provider: options.provider });
  let client: ProviderMediaClient;
  try {
    client = await connectMediaClient(options.provider, options.url, { ackMode: 'playout', handshakeTimeoutMs: options.connectTimeoutMs ?? 5000 });
  } catch (err) {
    throw new SimulatorError(SimulatorErrorCode.ConnectFailed, err instanceof Error ? err.message : 'connection failed', { cause: err });
  }
  const openMs = performance.now() - t0;
  note('open');

  let firstAudioMs: number | null = null;
  let framesReceived = 0;
  const unsubscribe = client.onFrame((frame) => {
    const f = frame as { event?: unknown; mark?: { name?: unknown }; name?: unknown };
    const event = typeof f.event === 'string' ? f.event : '';
    if (AUDIO_EVENTS.has(event)) {
      framesReceived++;
      if (firstAudioMs === null) {
        firstAudioMs = performance.now() - t0;
        note('first audio', { event });
      }
    } else if (MARK_EVENTS.has(event)) {
      const name = typeof f.mark?.name === 'string' ? f.mark.name : typeof f.name === 'string' ? f.name : '';
      note('mark', { event, name });
    } else if (CLEAR_EVENTS.has(event)) {
      note('clear', { event });
    } else {
      note('received', { event: event || '?' });
    }
  });
  const closed = client.waitForClose(24 * 3600_000).then(
    (info) => {
      note('closed', { code: info.code, ...(info.reason ? { reason: info.reason } : {}) });
      return info;
    },
    () => null,
  );

  const info = client.begin({ ...options.call, ...(options.format ? { format: options.format } : {}) });
  note('handshake sent', { stream: info.streamId, format: `${info.format.encoding}/${info.format.sampleRate}` });

  const framesSent = await stream(client, info.format, options, note);

  if (client.isOpen) {
    note('hanging up', { how: options.hangup ?? 'provider' });
    const timeoutMs = options.closeTimeoutMs ?? 3000;
    if (options.hangup === 'close') await client.close(1000, '', timeoutMs);
    else {
      const hungUp = client.hangup();
      const done = await within(hungUp.then(() => true), timeoutMs, false);
      if (!done) {
        note('no close from the agent side; closing');
        await client.close(1000, '', timeoutMs);
      }
    }
  }
  const close = await within(closed, 5000, null);
  // No close in time: end the socket so that nothing (its 24 h close waiter) outlives the call.
  if (close === null) await client.close(1000, '', 500).catch(() => undefined);
  unsubscribe();
  return {
    provider: options.provider,
    streamId: info.streamId,
    format: info.format,
    timeline,
    openMs,
    firstAudioMs,
    framesSent,
    framesReceived,
    marks: client.marks.length,
    clears: client.clears,
    invalidFrames: client.invalidFrames.length,
    received: client.receivedPcm(),
    close,
  };
}

/** Streams the audio, then `tailMs` of silence, in real time; presses DTMF on cue. Stops early if the socket closes. */
async function stream(client: ProviderMediaClient, format: MediaFormat, options: RunCallOptions, note: (event: string, detail?: Record<string, string | number>) => void): Promise<number> {
  const per = frameSamples(format);
  const audioFrames = Math.ceil(options.audio.length / per);
  const total = audioFrames + Math.ceil((options.tailMs ?? 1000) / FRAME_MS);
  const cues = [...(options.dtmf ?? [])].sort((a, b) => a.atMs - b.atMs);
  const frame = new Int16Array(per);
  let cue = 0;
  let sent = 0;
  const start = performance.now();
  note('streaming', { audio_frames: audioFrames });
  for (let n = 0; n < total && client.isOpen; n++) {
    const wait = start + n * FRAME_MS - performance.now();
    if (wait > 0) await sleep(wait);
    if (!client.isOpen) break;
    while (cue < cues.length && cues[cue]!.atMs <= n * FRAME_MS) {
      const { digit } = cues[cue++]!;
      client.sendDtmf(digit);
      note('dtmf', { digit });
    }
    frame.fill(0);
    if (n < audioFrames) frame.set(options.audio.subarray(n * per, Math.min((n + 1) * per, options.audio.length)));
    client.sendPcm(frame);
    sent++;
    if (n === audioFrames - 1) note('audio sent', { frames: audioFrames });
  }
  return sent;
}
