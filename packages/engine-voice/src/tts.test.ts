import { connectCartesiaTts } from '@vr3/vendors';
import { startCartesiaStandIn, type CartesiaStandIn } from '@vr3/vendors/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamingSpeaker, TimingLocator, type SpeechPiece } from './tts.ts';

describe('TimingLocator', () => {
  it('places characters in the text, skipping spaces the vendor adds', () => {
    const locate = new TimingLocator('Hi there.');
    const marks = [' ', 'H', 'i', ' ', 't', 'h', 'e', 'r', 'e', '.'].map((text, i) => ({ text, startMs: i * 10, endMs: i * 10 + 10 }));
    expect(locate.add('char', marks.slice(0, 4))).toEqual([
      { endChar: 1, endMs: 20 },
      { endChar: 2, endMs: 30 },
    ]);
    expect(locate.add('char', marks.slice(4)).at(-1)).toEqual({ endChar: 9, endMs: 100 });
  });

  it('places words in order, skipping a word the text does not have', () => {
    const locate = new TimingLocator('It costs 5 dollars.');
    const marks = [
      { text: 'It', startMs: 0, endMs: 100 },
      { text: 'costs', startMs: 100, endMs: 300 },
      { text: 'five', startMs: 300, endMs: 500 },
      { text: 'dollars.', startMs: 500, endMs: 900 },
    ];
    expect(locate.add('word', marks)).toEqual([
      { endChar: 2, endMs: 100 },
      { endChar: 8, endMs: 300 },
      { endChar: 19, endMs: 900 },
    ]);
  });
});

describe('StreamingSpeaker (Cartesia stand-in)', () => {
  let standIn: CartesiaStandIn;
  let speaker: StreamingSpeaker;
  const controller = new AbortController();
  beforeEach(async () => {
    standIn = await startCartesiaStandIn({ apiKey: 'ca', script: { msPerChar: 10, chunkIntervalMs: 1 } });
    speaker = new StreamingSpeaker('cartesia', (listener) =>
      connectCartesiaTts({ apiKey: 'ca', voiceId: 'v', baseUrl: standIn.url, addressPolicy: 'any', signal: controller.signal }, listener),
    );
  });
  afterEach(async () => {
    speaker.close();
    await standIn.close();
  });

  const collect = async (text: string, signal = new AbortController().signal): Promise<SpeechPiece[]> => {
    const pieces: SpeechPiece[] = [];
    for await (const piece of speaker.speak(text, signal)) pieces.push(piece);
    return pieces;
  };

  it('speaks each sentence in its own context on one socket: 16 kHz samples and word timings', async () => {
    const first = await collect('Hello there.');
    const second = await collect('Bye.');
    const samples = (pieces: SpeechPiece[]) => pieces.reduce((n, p) => n + (p.type === 'audio' ? p.pcm.length : 0), 0);
    expect(samples(first)).toBe('Hello there.'.length * 10 * 16);
    expect(samples(second)).toBe('Bye.'.length * 10 * 16);
    expect(first.filter((p) => p.type === 'timings').flatMap((p) => p.timings)).toEqual([
      { endChar: 5, endMs: 50 },
      { endChar: 12, endMs: 120 },
    ]);
    expect(standIn.upgrades).toHaveLength(1);
    const contexts = new Set((standIn.connections[0]!.receivedJson as Array<{ context_id: string }>).map((m) => m.context_id));
    expect(contexts.size).toBe(2);
  });

  it('an abort cancels the context and ends the iteration; the next sentence reconnects after the vendor dropped the socket', async () => {
    standIn.setScript({ msPerChar: 10, chunkIntervalMs: 30 });
    const abort = new AbortController();
    const pieces: SpeechPiece[] = [];
    await expect(
      (async () => {
        for await (const piece of speaker.speak('One two three four five six.', abort.signal)) {
          pieces.push(piece);
          abort.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(pieces).toHaveLength(1);
    await expect.poll(() => (standIn.connections[0]!.receivedJson as Array<{ cancel?: boolean }>).some((m) => m.cancel === true)).toBe(true);
    standIn.setScript({ msPerChar: 10, chunkIntervalMs: 1 });
    standIn.connections[0]!.terminate();
    // Until the client has seen the drop, a sentence fails; then one goes out on a new socket.
    await expect.poll(async () => (await collect('Again.').catch(() => [])).some((p) => p.type === 'audio'), { timeout: 5000 }).toBe(true);
    expect(standIn.upgrades).toHaveLength(2);
  });
});
