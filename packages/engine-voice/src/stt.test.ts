import type { DeepgramEvent, DeepgramLiveStream } from '@vr3/vendors';
import { startDeepgramStandIn, type DeepgramStandIn } from '@vr3/vendors/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDeepgramLive } from '@vr3/vendors';
import { DeepgramTranscriber, type UtteranceText } from './stt.ts';

const transcript = (text: string, flags: { isFinal?: boolean; speechFinal?: boolean } = {}): DeepgramEvent => ({
  type: 'transcript',
  transcript: text,
  confidence: 0.9,
  words: [],
  isFinal: flags.isFinal ?? true,
  speechFinal: flags.speechFinal ?? false,
  fromFinalize: false,
  startMs: 0,
  durationMs: 100,
});

function recorder() {
  const utterances: UtteranceText[] = [];
  const failures: unknown[] = [];
  return { utterances, failures, events: { utterance: (t: UtteranceText) => void utterances.push(t), failed: (e: unknown) => void failures.push(e) } };
}
const texts = (r: ReturnType<typeof recorder>) => Promise.all(r.utterances.map((u) => u(new AbortController().signal)));

let standIn: DeepgramStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

describe('DeepgramTranscriber', () => {
  it('joins final results into one utterance, ended by speech_final or UtteranceEnd; interim results and empty finals do not count', async () => {
    const r = recorder();
    const stt = new DeepgramTranscriber(() => new Promise<DeepgramLiveStream>(() => {}), 16_000, r.events);
    stt.onEvent(transcript('what', { isFinal: false }));
    stt.onEvent(transcript('What time'));
    stt.onEvent(transcript('is it?', { speechFinal: true }));
    stt.onEvent({ type: 'utterance_end', lastWordEndMs: 900 }); // nothing pending: no empty utterance
    stt.onEvent(transcript(''));
    stt.onEvent(transcript('And tomorrow?'));
    stt.onEvent({ type: 'utterance_end', lastWordEndMs: 2400 });
    stt.onEvent(transcript('late', { isFinal: false }));
    expect(await texts(r)).toEqual(['What time is it?', 'And tomorrow?']);
    stt.close();
    stt.onEvent(transcript('after close', { speechFinal: true }));
    expect(r.utterances).toHaveLength(2);
  });

  it('sends the audio that came while the socket opened, then streams; counts the seconds sent', async () => {
    standIn = await startDeepgramStandIn({ apiKey: 'dg' });
    const r = recorder();
    const stt = new DeepgramTranscriber(
      (listener) => connectDeepgramLive({ apiKey: 'dg', baseUrl: standIn!.url, addressPolicy: 'any', encoding: 'linear16', sampleRate: 16_000 }, listener),
      16_000,
      r.events,
    );
    stt.audio(new Int16Array(3200)); // 200 ms before the socket is open
    const conn = await standIn.nextConnection(5000);
    stt.audio(new Int16Array(1600));
    await expect.poll(() => conn.audioMs, { timeout: 5000 }).toBe(300);
    expect(stt.audioSeconds).toBeCloseTo(0.3, 6);
    stt.close();
    expect(r.failures).toEqual([]);
  });

  it('a refused connection is reported as a failure', async () => {
    standIn = await startDeepgramStandIn({ apiKey: 'right' });
    const r = recorder();
    new DeepgramTranscriber(
      (listener) => connectDeepgramLive({ apiKey: 'wrong', baseUrl: standIn!.url, addressPolicy: 'any', encoding: 'linear16', sampleRate: 16_000 }, listener),
      16_000,
      r.events,
    );
    await expect.poll(() => r.failures.length, { timeout: 5000 }).toBe(1);
    expect(r.failures[0]).toMatchObject({ vendor: 'deepgram', code: 'auth_failed' });
  });
});
