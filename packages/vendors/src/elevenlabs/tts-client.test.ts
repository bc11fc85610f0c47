import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TtsEvent, TtsMark, TtsStream } from '../streaming/tts.ts';
import { EventRecorder, delay, startElevenLabsStandIn } from '../testing/index.ts';
import type { ElevenLabsStandIn } from '../testing/index.ts';
import type { ElevenLabsTtsOptions } from './options.ts';
import { connectElevenLabsTts } from './tts-client.ts';

const KEY = 'xi-test-key';
let standIn: ElevenLabsStandIn;
const streams: TtsStream[] = [];

beforeEach(async () => {
  standIn = await startElevenLabsStandIn({ apiKey: KEY });
});
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  await standIn.close();
});

async function connect(recorder: EventRecorder<TtsEvent>, extra: Partial<ElevenLabsTtsOptions> = {}): Promise<TtsStream> {
  const stream = await connectElevenLabsTts({ apiKey: KEY, voiceId: 'voice_1', baseUrl: standIn.url, addressPolicy: 'any', ...extra }, recorder);
  streams.push(stream);
  return stream;
}

const marksOf = (events: readonly TtsEvent[], contextId: string): TtsMark[] =>
  events.flatMap((e) => (e.type === 'marks' && e.contextId === contextId ? e.marks : []));
const audioOf = (events: readonly TtsEvent[], contextId: string): Extract<TtsEvent, { type: 'audio' }>[] =>
  events.filter((e): e is Extract<TtsEvent, { type: 'audio' }> => e.type === 'audio' && e.contextId === contextId);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

describe('ElevenLabs TTS client ↔ stand-in', () => {
  it('speaks flushed text of a turn: audio at the requested rate with character timings, then done', async () => {
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder, { voiceSettings: { stability: 0.5, similarity_boost: 0.8 }, modelId: 'eleven_turbo_v2_5', inactivityTimeoutSec: 60 });
    expect(stream).toMatchObject({ vendor: 'elevenlabs', encoding: 'pcm_s16le', sampleRate: 16000 });
    const turn = stream.openContext('turn-1');
    expect(turn.pushText('Hello ')).toBe(true);
    expect(turn.pushText('world.')).toBe(true);
    expect(turn.flush()).toBe(true);
    await recorder.waitFor((e) => e.type === 'audio');
    turn.pushText(' Bye.');
    expect(turn.end()).toBe(true);
    expect(turn.state).toBe('ending');
    await recorder.waitFor((e) => e.type === 'done');
    expect(turn.state).toBe('done');

    const text = 'Hello world. Bye.';
    const marks = marksOf(recorder.events, 'turn-1');
    expect(marks.map((m) => m.text).join('')).toBe(text);
    // 40 ms per character (the stand-in's default), placed on the context's audio timeline.
    marks.forEach((m, i) => expect(m).toEqual({ text: text[i], startMs: i * 40, endMs: (i + 1) * 40 }));
    const audio = audioOf(recorder.events, 'turn-1');
    const total = audio.reduce((n, e) => n + e.audio.length, 0);
    expect(total).toBe(text.length * 40 * 32);
    let at = 0;
    for (const e of audio) {
      expect(e.startMs).toBe(at);
      at += e.durationMs;
    }
    expect(audio.some((e) => e.audio.some((b) => b !== 0))).toBe(true); // a tone, not silence
    expect(recorder.events.at(-1)).toEqual({ type: 'done', contextId: 'turn-1', cancelled: false });
    expect(marks.filter((m) => m.endMs <= 5 * 40).map((m) => m.text).join('')).toBe('Hello');

    const conn = standIn.connections[0]!;
    expect(conn.receivedJson).toEqual([
      { text: ' ', context_id: 'turn-1', voice_settings: { stability: 0.5, similarity_boost: 0.8 } },
      { text: 'Hello ', context_id: 'turn-1' },
      { text: 'world.', context_id: 'turn-1' },
      { context_id: 'turn-1', flush: true },
      { text: ' Bye.', context_id: 'turn-1' },
      { context_id: 'turn-1', close_context: true },
    ]);
    const upgrade = standIn.upgrades[0]!;
    expect(upgrade.path).toBe('/v1/text-to-speech/voice_1/multi-stream-input');
    expect(upgrade.credential).toBe('valid');
    expect(upgrade.headers['xi-api-key']).toBeUndefined();
    expect(Object.fromEntries(upgrade.query)).toEqual({
      model_id: 'eleven_turbo_v2_5',
      output_format: 'pcm_16000',
      sync_alignment: 'true',
      inactivity_timeout: '60',
    });
  });

  it('cancel (barge-in) ends the turn at once and drops the audio still in flight', async () => {
    standIn.setScript({ charsPerChunk: 4, chunkIntervalMs: 15 });
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder);
    const turn = stream.openContext('long');
    turn.pushText('This is a long answer the caller will interrupt halfway through.');
    turn.flush();
    await recorder.waitFor((e) => e.type === 'audio');
    turn.cancel();
    expect(turn.state).toBe('cancelled');
    expect(recorder.events.at(-1)).toEqual({ type: 'done', contextId: 'long', cancelled: true });
    const heardEvents = recorder.events.length;
    await delay(200);
    expect(recorder.events.length).toBe(heardEvents);
    const conn = standIn.connections[0]!;
    expect(conn.receivedJson.at(-1)).toEqual({ context_id: 'long', close_context: true });
    expect(conn.audioAfterCloseByContext.get('long')).toBeGreaterThan(0);
    expect(stream.droppedAudioBytes).toBeGreaterThan(0);
    expect(turn.pushText('more')).toBe(false);

    // The next turn plays normally on the same socket.
    const next = stream.openContext('next');
    next.pushText('Yes?');
    next.end();
    await recorder.waitFor((e) => e.type === 'done' && e.contextId === 'next');
    expect(marksOf(recorder.events, 'next').map((m) => m.text).join('')).toBe('Yes?');
  });

  it('a vendor error for a context is a typed error event; the close that follows is typed too', async () => {
    standIn.setScript({ errorOnText: { error: 'quota_exceeded', message: 'You have exceeded your quota', closeCode: 1008 } });
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder);
    const turn = stream.openContext('t');
    turn.pushText('Hi.');
    turn.flush();
    const failed = await recorder.waitFor((e) => e.type === 'error');
    expect(failed).toMatchObject({ contextId: 't', error: { code: 'vendor_error', vendor: 'elevenlabs', vendorCode: 'quota_exceeded', vendorMessage: 'You have exceeded your quota' } });
    expect(turn.state).toBe('failed');
    const closed = await stream.closed;
    expect(closed.error).toMatchObject({ code: 'vendor_error', closeCode: 1008, vendorMessage: 'quota_exceeded' });
  });

  it('μ-law 8 kHz output: one byte per sample', async () => {
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder, { outputFormat: 'ulaw_8000' });
    expect(stream).toMatchObject({ encoding: 'mulaw', sampleRate: 8000 });
    const turn = stream.openContext();
    turn.pushText('Okay.');
    turn.end();
    await recorder.waitFor((e) => e.type === 'done');
    expect(audioOf(recorder.events, turn.id).reduce((n, e) => n + e.audio.length, 0)).toBe(5 * 40 * 8);
    expect(standIn.upgrades[0]!.query.get('output_format')).toBe('ulaw_8000');
  });

  it('keeps open contexts alive with empty texts while the LLM is slow', async () => {
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder, { keepAliveIntervalMs: 50 });
    stream.openContext('slow');
    await delay(300);
    const keepAlives = standIn.connections[0]!.receivedJson.filter((m) => JSON.stringify(m) === JSON.stringify({ text: '', context_id: 'slow' }));
    expect(keepAlives.length).toBeGreaterThanOrEqual(3);
  });

  it('fails idle_timeout when the end of a context never comes', async () => {
    standIn.setScript({ hang: true });
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder, { idleTimeoutMs: 150 });
    const turn = stream.openContext('t');
    turn.pushText('Anyone there?');
    turn.end();
    const closed = await stream.closed;
    expect(closed.error).toMatchObject({ code: 'idle_timeout', retryable: true });
    expect(recorder.events).toEqual([{ type: 'error', contextId: 't', error: closed.error }]);
  });

  it('closing the stream sends close_socket and ends unfinished contexts as cancelled', async () => {
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder);
    stream.openContext('a');
    const closed = await stream.close();
    expect(closed.error).toBeUndefined();
    expect(standIn.connections[0]!.receivedJson.at(-1)).toEqual({ close_socket: true });
    expect(recorder.events).toEqual([{ type: 'done', contextId: 'a', cancelled: true }]);
    expect(thrown(() => stream.openContext('b'))).toMatchObject({ code: 'invalid_option' });
  });

  it('refuses a context id in use and options ElevenLabs would reject', async () => {
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder);
    stream.openContext('same');
    expect(thrown(() => stream.openContext('same'))).toMatchObject({ code: 'invalid_option' });
    await expect(connect(recorder, { voiceId: '../admin' })).rejects.toMatchObject({ code: 'invalid_option' });
    await expect(connect(recorder, { outputFormat: 'mp3_44100_128' as never })).rejects.toMatchObject({ code: 'invalid_option' });
  });
});
