/**
 * The called party of the stand-in's media sessions (dial-back of a placed call, stream-back of a
 * stream attached to a live call): it plays a sine tone in 20 ms frames on a connected fake media
 * client until its time is up, the socket closes or it is told to stop.
 */
import type { ProviderMediaClient } from './media-client.ts';

/** How the party talks. */
export interface ToneOptions {
  /** How long the tone plays, in milliseconds. */
  readonly holdMs: number;
  /** Frequency of the tone. */
  readonly toneHz: number;
  /** Stops the tone early. */
  readonly signal?: AbortSignal | undefined;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Plays the tone on `client` (already begun) in real time, 20 ms a frame. */
export async function playTone(client: ProviderMediaClient, options: ToneOptions): Promise<void> {
  const rate = client.format.sampleRate;
  const frame = rate / 50;
  const frames = Math.max(1, Math.round(options.holdMs / 20));
  const pcm = new Int16Array(frame);
  for (let f = 0; f < frames && client.isOpen && !options.signal?.aborted; f++) {
    for (let i = 0; i < frame; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * options.toneHz * (f * frame + i)) / rate));
    client.sendPcm(pcm);
    await pause(20, options.signal);
  }
}
