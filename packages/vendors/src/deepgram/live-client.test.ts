import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventRecorder, delay, startDeepgramStandIn } from '../testing/index.ts';
import type { DeepgramStandIn } from '../testing/index.ts';
import { connectDeepgramLive } from './live-client.ts';
import type { DeepgramLiveStream } from './live-client.ts';
import type { DeepgramEvent } from './messages.ts';
import type { DeepgramLiveOptions } from './options.ts';

const KEY = 'dg-test-key';
let standIn: DeepgramStandIn;
const streams: DeepgramLiveStream[] = [];

beforeEach(async () => {
  standIn = await startDeepgramStandIn({ apiKey: KEY });
});
afterEach(async () => {
  for (const s of streams.splice(0)) s.terminate();
  await standIn.close();
});

async function connect(recorder: EventRecorder<DeepgramEvent>, extra: Partial<DeepgramLiveOptions> = {}): Promise<DeepgramLiveStream> {
  const stream = await connectDeepgramLive(
    { apiKey: KEY, encoding: 'linear16', sampleRate: 16000, baseUrl: standIn.url, addressPolicy: 'any', ...extra },
    recorder,
  );
  streams.push(stream);
  return stream;
}

/** `ms` of 16 kHz PCM16 in 20 ms frames. */
function sendPcm(stream: DeepgramLiveStream, ms: number, bytesPerMs = 32): void {
  const frame = Buffer.alloc(20 * bytesPerMs);
  for (let t = 0; t < ms; t += 20) expect(stream.sendAudio(frame)).toBe(true);
}

const summary = (e: DeepgramEvent): string => {
  switch (e.type) {
    case 'transcript':
      return `${e.isFinal ? 'final' : 'interim'}${e.speechFinal ? '+speech_final' : ''}${e.fromFinalize ? '+finalize' : ''}:${e.transcript}`;
    case 'speech_started':
      return `speech_started@${e.timestampMs}`;
    case 'utterance_end':
      return `utterance_end@${e.lastWordEndMs}`;
    case 'metadata':
      return 'metadata';
    case 'error':
      return `error:${e.error.code}`;
  }
};

describe('Deepgram live client ↔ stand-in', () => {
  it('streams audio and reports speech, interim and final transcripts, utterance end, finalize and close in order', async () => {
    standIn.setScript({
      utterances: [
        { text: 'Hello there, friend.', startMs: 200, endMs: 800 },
        { text: 'How are you', startMs: 1500, endMs: 2000, finalOn: 'finalize' },
      ],
    });
    const recorder = new EventRecorder<DeepgramEvent>();
    const stream = await connect(recorder, { keyterms: ['VR3'], language: 'en' });
    expect(stream.sendAudio(new Uint8Array(0))).toBe(true); // skipped: Deepgram closes on empty frames
    sendPcm(stream, 2400);
    await recorder.waitFor((e) => e.type === 'transcript' && e.transcript === 'How are');
    expect(stream.finalize()).toBe(true);
    await recorder.waitFor((e) => e.type === 'transcript' && e.fromFinalize);
    const closed = await stream.close();

    expect(recorder.events.map(summary)).toEqual([
      'speech_started@200',
      'interim:Hello',
      'interim:Hello there,',
      'final+speech_final:Hello there, friend.',
      'speech_started@1500',
      'interim:How',
      'utterance_end@800',
      'interim:How are',
      'final+finalize:How are you',
      'metadata',
    ]);
    const final = recorder.events.find((e) => e.type === 'transcript' && e.speechFinal);
    expect(final).toMatchObject({ startMs: 200, durationMs: 600, confidence: 0.98 });
    if (final?.type !== 'transcript') throw new Error('no final');
    expect(final.words.map((w) => [w.word, w.punctuatedWord, w.startMs, w.endMs])).toEqual([
      ['hello', 'Hello', 200, 400],
      ['there', 'there,', 400, 600],
      ['friend', 'friend.', 600, 800],
    ]);
    expect(closed).toEqual({ code: 1000, reason: '', error: undefined });

    const conn = standIn.connections[0]!;
    expect(conn.audioBytes).toBe(2400 * 32);
    expect(conn.audioFrames).toBe(120);
    expect(stream.audioBytesSent).toBe(2400 * 32);
    expect(conn.receivedTypes).toEqual(['Finalize', 'CloseStream']);
    const upgrade = standIn.upgrades[0]!;
    expect(upgrade.path).toBe('/v1/listen');
    expect(upgrade.credential).toBe('valid');
    expect(upgrade.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(upgrade.query)).toEqual({
      model: 'nova-3',
      encoding: 'linear16',
      sample_rate: '16000',
      channels: '1',
      language: 'en',
      interim_results: 'true',
      endpointing: '300',
      utterance_end_ms: '1000',
      vad_events: 'true',
      smart_format: 'true',
      keyterm: 'VR3',
    });
  });

  it('places μ-law 8 kHz audio on the timeline at one byte per sample', async () => {
    standIn.setScript({ utterances: [{ text: 'yes', startMs: 100, endMs: 300 }] });
    const recorder = new EventRecorder<DeepgramEvent>();
    const stream = await connect(recorder, { encoding: 'mulaw', sampleRate: 8000, endpointingMs: 100, interimResults: false, utteranceEndMs: false });
    sendPcm(stream, 80, 8);
    await delay(50);
    expect(recorder.events).toEqual([]);
    sendPcm(stream, 400, 8);
    await recorder.waitFor((e) => e.type === 'transcript' && e.speechFinal);
    expect(recorder.events.map(summary)).toEqual(['speech_started@100', 'final+speech_final:yes']);
    expect(standIn.upgrades[0]!.query.get('encoding')).toBe('mulaw');
    expect(standIn.upgrades[0]!.query.has('utterance_end_ms')).toBe(false);
  });

  it('sends KeepAlive while no audio flows, so Deepgram does not close the stream', async () => {
    standIn.setScript({ idleCloseMs: 500 });
    const recorder = new EventRecorder<DeepgramEvent>();
    const stream = await connect(recorder, { keepAliveIntervalMs: 80 });
    sendPcm(stream, 100);
    await delay(1000);
    const conn = standIn.connections[0]!;
    expect(conn.closedWith).toBeUndefined();
    expect(conn.receivedTypes.filter((t) => t === 'KeepAlive').length).toBeGreaterThanOrEqual(5);
    expect((await stream.close()).error).toBeUndefined();
  });

  it('without keep-alives Deepgram closes with NET-0001: a typed, retryable vendor error', async () => {
    standIn.setScript({ idleCloseMs: 150 });
    const stream = await connect(new EventRecorder<DeepgramEvent>(), { keepAliveIntervalMs: 60_000 });
    const closed = await stream.closed;
    expect(closed.code).toBe(1011);
    expect(closed.error).toMatchObject({ code: 'vendor_error', vendor: 'deepgram', closeCode: 1011, vendorCode: 'NET-0001', retryable: true });
  });

  it('a DATA-0000 close (audio Deepgram cannot decode) ends the stream with a non-retryable vendor error', async () => {
    standIn.setScript({ closeWith: { afterAudioMs: 100, code: 1008, reason: 'DATA-0000' } });
    const stream = await connect(new EventRecorder<DeepgramEvent>());
    sendPcm(stream, 200);
    const closed = await stream.closed;
    expect(closed.error).toMatchObject({ code: 'vendor_error', closeCode: 1008, vendorCode: 'DATA-0000', retryable: false });
    expect(stream.sendAudio(Buffer.alloc(640))).toBe(false);
    expect(stream.droppedAudioBytes).toBe(640);
  });

  it('reports an in-band Error message as an error event and keeps streaming', async () => {
    const recorder = new EventRecorder<DeepgramEvent>();
    await connect(recorder);
    const conn = await standIn.nextConnection();
    conn.send({ type: 'Error', description: 'Something odd', variant: 'odd_thing' });
    conn.send({ type: 'SpeechStarted', channel: [0, 1], timestamp: 1.25 });
    await recorder.waitFor((e) => e.type === 'speech_started');
    expect(recorder.events[0]).toMatchObject({ type: 'error', error: { code: 'vendor_error', vendorCode: 'odd_thing', vendorMessage: 'Something odd' } });
    expect(recorder.events[1]).toEqual({ type: 'speech_started', timestampMs: 1250 });
  });

  it('fails idle_timeout when a Finalize gets no answer in time', async () => {
    standIn.setScript({ hang: true });
    const stream = await connect(new EventRecorder<DeepgramEvent>(), { idleTimeoutMs: 150 });
    sendPcm(stream, 100);
    const started = Date.now();
    stream.finalize();
    const closed = await stream.closed;
    expect(closed.error).toMatchObject({ code: 'idle_timeout', retryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('fails idle_timeout when the result owed after the caller stopped speaking never comes', async () => {
    standIn.setScript({ hang: true });
    const stream = await connect(new EventRecorder<DeepgramEvent>(), { idleTimeoutMs: 150 });
    sendPcm(stream, 500);
    const started = performance.now();
    stream.expectResult();
    // Audio keeps flowing (the caller's silence): it is the answer that is missing.
    const keepSending = setInterval(() => stream.sendAudio(Buffer.alloc(640)), 20);
    const closed = await stream.closed.finally(() => clearInterval(keepSending));
    const elapsed = performance.now() - started;
    expect(closed.error).toMatchObject({ vendor: 'deepgram', code: 'idle_timeout', retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);
  });

  it('a final result or an UtteranceEnd settles the owed result: the stream stays open', async () => {
    standIn.setScript({ utterances: [{ text: 'Hello there.', startMs: 0, endMs: 300 }] });
    const recorder = new EventRecorder<DeepgramEvent>();
    const stream = await connect(recorder, { idleTimeoutMs: 150 });
    sendPcm(stream, 300);
    stream.expectResult();
    sendPcm(stream, 400); // past the endpointing: the final result
    await recorder.waitFor((e) => e.type === 'transcript' && e.isFinal);
    await delay(400);
    const conn = standIn.connections[0]!;
    conn.send({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: 0.3 });
    stream.expectResult();
    await recorder.waitFor((e) => e.type === 'utterance_end');
    await delay(400);
    expect(stream.sendAudio(Buffer.alloc(640))).toBe(true);
  });

  it('close() ends with idle_timeout when Deepgram never closes after CloseStream', async () => {
    standIn.setScript({ hang: true });
    const stream = await connect(new EventRecorder<DeepgramEvent>(), { closeTimeoutMs: 150 });
    const closed = await stream.close();
    expect(closed.error).toMatchObject({ code: 'idle_timeout' });
    expect(standIn.connections[0]!.receivedTypes).toEqual(['CloseStream']);
  });

  it('abort closes the stream at once and reports nothing more', async () => {
    standIn.setScript({ utterances: [{ text: 'late words', startMs: 0, endMs: 100 }], replyDelayMs: 100 });
    const controller = new AbortController();
    const recorder = new EventRecorder<DeepgramEvent>();
    const stream = await connect(recorder, { signal: controller.signal });
    sendPcm(stream, 500);
    controller.abort();
    const closed = await stream.closed;
    expect(closed.error).toMatchObject({ code: 'aborted' });
    await delay(250);
    expect(recorder.events).toEqual([]);
    expect(stream.sendAudio(Buffer.alloc(640))).toBe(false);
  });

  it('refuses options Deepgram would reject before connecting', async () => {
    const recorder = new EventRecorder<DeepgramEvent>();
    await expect(connect(recorder, { sampleRate: 7000 })).rejects.toMatchObject({ code: 'invalid_option' });
    await expect(connect(recorder, { utteranceEndMs: 500 })).rejects.toMatchObject({ code: 'invalid_option' });
    await expect(connect(recorder, { interimResults: false })).rejects.toMatchObject({ code: 'invalid_option' });
    await expect(connect(recorder, { extraParams: { token: 'x' } })).rejects.toMatchObject({ code: 'invalid_option' });
    expect(standIn.upgrades).toHaveLength(0);
  });
});
