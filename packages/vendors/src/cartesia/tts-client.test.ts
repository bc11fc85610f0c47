import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TtsEvent, TtsMark, TtsStream } from '../streaming/tts.ts';
import { EventRecorder, delay, startCartesiaStandIn } from '../testing/index.ts';
import type { CartesiaStandIn } from '../testing/index.ts';
import type { CartesiaTtsOptions } from './options.ts';
import { connectCartesiaTts } from './tts-client.ts';

const KEY = 'cartesia-test-key';
let standIn: CartesiaStandIn;
const streams: TtsStream[] = [];

beforeEach(async () => {
  standIn = await startCartesiaStandIn({ apiKey: KEY });
});
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  await standIn.close();
});

async function connect(recorder: EventRecorder<TtsEvent>, extra: Partial<CartesiaTtsOptions> = {}): Promise<TtsStream> {
  const stream = await connectCartesiaTts({ apiKey: KEY, voiceId: 'voice-a', baseUrl: standIn.url, addressPolicy: 'any', ...extra }, recorder);
  streams.push(stream);
  return stream;
}

const marksOf = (events: readonly TtsEvent[], contextId: string): TtsMark[] =>
  events.flatMap((e) => (e.type === 'marks' && e.contextId === contextId ? e.marks : []));
const audioBytes = (events: readonly TtsEvent[], contextId: string): number =>
  events.reduce((n, e) => n + (e.type === 'audio' && e.contextId === contextId ? e.audio.length : 0), 0);

describe('Cartesia TTS client ↔ stand-in', () => {
  it('streams a turn with continuations: audio for flushed text with word timestamps, flush_done, done', async () => {
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder, { sampleRate: 8000, language: 'en', version: '2024-11-13', maxBufferDelayMs: 500 });
    expect(stream).toMatchObject({ vendor: 'cartesia', encoding: 'pcm_s16le', sampleRate: 8000 });
    const turn = stream.openContext('turn-1');
    turn.pushText('Hello ');
    turn.pushText('there.');
    turn.flush();
    await recorder.waitFor((e) => e.type === 'flushed');
    turn.pushText(' Bye now.');
    turn.end();
    await recorder.waitFor((e) => e.type === 'done');

    const marks = marksOf(recorder.events, 'turn-1');
    expect(marks).toEqual([
      { text: 'Hello', startMs: 0, endMs: 200 },
      { text: 'there.', startMs: 240, endMs: 480 },
      { text: 'Bye', startMs: 520, endMs: 640 },
      { text: 'now.', startMs: 680, endMs: 840 },
    ]);
    expect(marks.filter((m) => m.endMs <= 500).map((m) => m.text).join(' ')).toBe('Hello there.');
    expect(audioBytes(recorder.events, 'turn-1')).toBe('Hello there. Bye now.'.length * 40 * 16);
    const kinds = recorder.events.map((e) => e.type);
    expect(kinds.indexOf('flushed')).toBeGreaterThan(kinds.indexOf('audio'));
    expect(recorder.events.at(-1)).toEqual({ type: 'done', contextId: 'turn-1', cancelled: false });

    const conn = standIn.connections[0]!;
    const base = {
      model_id: 'sonic-2',
      voice: { mode: 'id', id: 'voice-a' },
      output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 8000 },
      add_timestamps: true,
      language: 'en',
      max_buffer_delay_ms: 500,
      context_id: 'turn-1',
    };
    expect(conn.receivedJson).toEqual([
      { ...base, continue: true, transcript: 'Hello ' },
      { ...base, continue: true, transcript: 'there.' },
      { ...base, transcript: '', continue: true, flush: true },
      { ...base, continue: true, transcript: ' Bye now.' },
      { ...base, transcript: '', continue: false },
    ]);
    const upgrade = standIn.upgrades[0]!;
    expect(upgrade.path).toBe('/tts/websocket');
    expect(upgrade.credential).toBe('valid');
    expect(upgrade.headers['x-api-key']).toBeUndefined();
    expect(upgrade.headers['cartesia-version']).toBe('2024-11-13');
  });

  it('cancel (barge-in) ends the turn at once; chunks already in flight are dropped', async () => {
    standIn.setScript({ chunkIntervalMs: 15, inFlightAfterCancel: 3 });
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder);
    const turn = stream.openContext('long');
    turn.pushText('one two three four five six seven eight nine ten eleven twelve');
    turn.flush();
    await recorder.waitFor((e) => e.type === 'audio');
    turn.cancel();
    expect(recorder.events.at(-1)).toEqual({ type: 'done', contextId: 'long', cancelled: true });
    const count = recorder.events.length;
    await delay(200);
    expect(recorder.events.length).toBe(count);
    const conn = standIn.connections[0]!;
    expect(conn.receivedJson.at(-1)).toEqual({ context_id: 'long', cancel: true });
    expect(conn.audioAfterCancelByContext.get('long')).toBe(3);
    expect(stream.droppedAudioBytes).toBeGreaterThan(0);
    expect(turn.end()).toBe(false);
  });

  it('a context error is a typed error event; the socket and other contexts go on', async () => {
    standIn.setScript({ errorOnText: { statusCode: 400, message: 'The model is not valid', errorCode: 'model_not_found' } });
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder);
    const bad = stream.openContext('bad');
    const idle = stream.openContext('idle');
    bad.pushText('Hi.');
    const failed = await recorder.waitFor((e) => e.type === 'error');
    expect(failed).toMatchObject({ contextId: 'bad', error: { code: 'vendor_error', vendor: 'cartesia', vendorCode: 'model_not_found', vendorMessage: 'The model is not valid', retryable: false } });
    expect(bad.state).toBe('failed');
    expect(idle.state).toBe('open');
    expect(idle.end()).toBe(true);
    await recorder.waitFor((e) => e.type === 'done' && e.contextId === 'idle');
  });

  it('μ-law output (pcm_mulaw): one byte per sample', async () => {
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder, { encoding: 'mulaw', sampleRate: 8000, addTimestamps: false });
    const turn = stream.openContext();
    turn.pushText('Sure.');
    turn.end();
    await recorder.waitFor((e) => e.type === 'done');
    expect(audioBytes(recorder.events, turn.id)).toBe(5 * 40 * 8);
    expect(recorder.events.some((e) => e.type === 'marks')).toBe(false);
    expect(standIn.connections[0]!.receivedJson[0]).toMatchObject({ output_format: { encoding: 'pcm_mulaw', sample_rate: 8000 }, add_timestamps: false });
  });

  it('fails idle_timeout when a flush is never answered', async () => {
    standIn.setScript({ hang: true });
    const recorder = new EventRecorder<TtsEvent>();
    const stream = await connect(recorder, { idleTimeoutMs: 150 });
    const turn = stream.openContext('t');
    turn.pushText('Hello?');
    turn.flush();
    const closed = await stream.closed;
    expect(closed.error).toMatchObject({ code: 'idle_timeout' });
    expect(recorder.events).toEqual([{ type: 'error', contextId: 't', error: closed.error }]);
  });

  it('pings while idle (Cartesia has no keep-alive message)', async () => {
    const recorder = new EventRecorder<TtsEvent>();
    await connect(recorder, { keepAliveIntervalMs: 40 });
    const conn = await standIn.nextConnection();
    await delay(250);
    expect(conn.pings).toBeGreaterThanOrEqual(3);
    expect(conn.receivedJson).toEqual([]);
  });
});
