import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RemoteAddressError } from '@vr3/providers';
import { g711Encode, tonePcm16 } from '../testing/openai-compatible/audio.ts';
import { startOpenAiRealtimeStandIn } from '../testing/openai-realtime/server.ts';
import type { OpenAiRealtimeStandIn, OpenAiRealtimeStandInOptions } from '../testing/openai-realtime/server.ts';
import { VendorError } from '../errors.ts';
import { connectOpenAiRealtime } from './client.ts';
import type { OpenAiRealtimeOptions, OpenAiRealtimeSession } from './client.ts';
import type { RealtimeEvent } from './events.ts';

let standIn: OpenAiRealtimeStandIn;
const sessions: OpenAiRealtimeSession[] = [];
/** The events each session received (see {@link connect}). */
const recorded = new WeakMap<OpenAiRealtimeSession, RealtimeEvent[]>();

async function restart(options: OpenAiRealtimeStandInOptions = {}): Promise<void> {
  await standIn?.close();
  standIn = await startOpenAiRealtimeStandIn(options);
}
beforeEach(async () => {
  standIn = await startOpenAiRealtimeStandIn();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await standIn.close();
});

/** A connected session and the events it received, with a waiter. */
async function connect(options: Partial<OpenAiRealtimeOptions> = {}) {
  const events: RealtimeEvent[] = [];
  const waiters = new Set<() => void>();
  const session = await connectOpenAiRealtime({
    url: standIn.url,
    apiKey: standIn.apiKey,
    model: 'gpt-realtime',
    addressPolicy: 'any',
    onEvent: (e) => {
      events.push(e);
      for (const w of [...waiters]) w();
    },
    ...options,
  });
  sessions.push(session);
  recorded.set(session, events);
  const next = <T extends RealtimeEvent['type']>(type: T, count = 1, timeoutMs = 5_000): Promise<Extract<RealtimeEvent, { type: T }>> =>
    new Promise((resolve, reject) => {
      const find = () => events.filter((e) => e.type === type)[count - 1] as Extract<RealtimeEvent, { type: T }> | undefined;
      const check = (): void => {
        const hit = find();
        if (hit === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${type} #${count}; got ${events.map((e) => e.type).join(',')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { session, events, next };
}

/** `ms` of 8 kHz μ-law: a tone, or silence. */
const mulaw = (ms: number, sound: 'tone' | 'silence'): Buffer => g711Encode(sound === 'tone' ? tonePcm16(ms * 8, 8_000) : Buffer.alloc(ms * 16), 'pcmu');

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(VendorError);
    return err as VendorError;
  }
  throw new Error('expected a failure');
}

describe('OpenAI Realtime client ↔ stand-in', () => {
  it('connects with Bearer auth and the model query; session.update carries instructions, voice, pcmu formats, server VAD and tools', async () => {
    const { session, next } = await connect();
    await next('session_created');
    expect(standIn.upgrades[0]).toMatchObject({ path: '/v1/realtime', model: 'gpt-realtime', authorized: true });
    expect(standIn.upgrades[0]!.headers.authorization).toBeUndefined();

    session.updateSession({
      instructions: 'You are a helpful receptionist.',
      voice: 'marin',
      inputFormat: 'pcmu',
      outputFormat: 'pcmu',
      turnDetection: { type: 'server_vad', silenceDurationMs: 400, createResponse: true },
      tools: [{ name: 'book_table', description: 'Books a table', parameters: { type: 'object', properties: { people: { type: 'integer' } } } }],
    });
    const update = await standIn.waitForEvent('session.update');
    expect(update.session).toEqual({
      type: 'realtime',
      output_modalities: ['audio'],
      instructions: 'You are a helpful receptionist.',
      audio: {
        input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad', silence_duration_ms: 400, create_response: true } },
        output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
      },
      tools: [{ type: 'function', name: 'book_table', description: 'Books a table', parameters: { type: 'object', properties: { people: { type: 'integer' } } } }],
    });
    const updated = await next('session_updated');
    expect(updated.session).toMatchObject({ instructions: 'You are a helpful receptionist.', audio: { output: { voice: 'marin', format: { type: 'audio/pcmu' } } } });
  });

  it('appended μ-law audio (base64) drives server VAD: speech_started/stopped, then audio and transcript deltas in the output format', async () => {
    const { session, next } = await connect();
    session.updateSession({ inputFormat: 'pcmu', outputFormat: 'pcmu', turnDetection: { type: 'server_vad' } });
    await next('session_updated');
    standIn.scriptResponse({ audioMs: 400, transcript: ['Hello', ' there', '!'] });

    const speech = mulaw(600, 'tone');
    for (let i = 0; i < speech.length; i += 160) expect(session.appendAudio(speech.subarray(i, i + 160))).toBe(true);
    const started = await next('speech_started');
    expect(started.audioStartMs).toBe(0);
    const silence = mulaw(500, 'silence');
    for (let i = 0; i < silence.length; i += 160) session.appendAudio(silence.subarray(i, i + 160));
    const stopped = await next('speech_stopped');
    expect(stopped.itemId).toBe(started.itemId);
    expect(stopped.audioEndMs).toBeGreaterThanOrEqual(600);

    const done = await next('response_done');
    expect(done.status).toBe('completed');
    const append = await standIn.waitForEvent('input_audio_buffer.append');
    expect(Buffer.from(append.audio as string, 'base64')).toEqual(speech.subarray(0, 160));
    expect(standIn.receivedAudioBytes).toBe(speech.length + silence.length);

    const { events } = sessionsEvents(session);
    const audio = events.filter((e): e is Extract<RealtimeEvent, { type: 'audio_delta' }> => e.type === 'audio_delta');
    expect(audio.reduce((n, e) => n + e.audio.length, 0)).toBe(400 * 8); // μ-law: 8 bytes per ms
    expect(new Set(audio.map((e) => e.responseId))).toEqual(new Set([done.responseId]));
    const text = events.filter((e): e is Extract<RealtimeEvent, { type: 'transcript_delta' }> => e.type === 'transcript_delta').map((e) => e.text);
    expect(text.join('')).toBe('Hello there!');
  });

  it('function call round trip: response.create → function_call → function_call_output + response.create → the next response', async () => {
    const { session, next } = await connect();
    standIn.scriptResponse({ functionCall: { name: 'book_table', arguments: '{"people":4}', callId: 'call_42' } }, { transcript: ['Booked.'] });
    session.createResponse();
    const call = await next('function_call');
    expect(call).toMatchObject({ name: 'book_table', arguments: '{"people":4}', callId: 'call_42' });
    expect((await next('response_done')).status).toBe('completed');

    session.sendFunctionCallOutput(call.callId, JSON.stringify({ ok: true }));
    const created = await standIn.waitForEvent('conversation.item.create');
    expect(created.item).toEqual({ type: 'function_call_output', call_id: 'call_42', output: '{"ok":true}' });
    await standIn.waitForEvent('response.create', 2);
    await next('response_done', 2);
    expect(sessionsEvents(session).events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('truncate sends item_id, content_index and whole audio_end_ms (NaN clamped to 0); the stand-in confirms or errors like the vendor', async () => {
    const { session, next } = await connect();
    standIn.scriptResponse({ audioMs: 1000 });
    session.createResponse();
    const delta = await next('audio_delta');
    await next('response_done');

    session.truncate({ itemId: delta.itemId, audioEndMs: 420.7 });
    expect(await standIn.waitForEvent('conversation.item.truncate')).toMatchObject({ item_id: delta.itemId, content_index: 0, audio_end_ms: 420 });
    expect(await next('item_truncated')).toEqual({ type: 'item_truncated', itemId: delta.itemId, contentIndex: 0, audioEndMs: 420 });

    session.truncate({ itemId: delta.itemId, audioEndMs: Number.NaN });
    expect((await standIn.waitForEvent('conversation.item.truncate', 2)).audio_end_ms).toBe(0);

    session.truncate({ itemId: delta.itemId, audioEndMs: 5_000 });
    const error = await next('error');
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value' });
  });

  it('response.cancel stops a response mid-stream (response_done cancelled)', async () => {
    const { session, next } = await connect();
    standIn.scriptResponse({ audioMs: 2000, chunkMs: 100, chunkDelayMs: 30 });
    session.createResponse();
    await next('audio_delta', 2);
    session.cancelResponse();
    expect(await standIn.waitForEvent('response.cancel')).toEqual({ type: 'response.cancel' });
    const done = await next('response_done');
    expect(done.status).toBe('cancelled');
    expect(sessionsEvents(session).events.filter((e) => e.type === 'audio_delta').length).toBeLessThan(20);
  });

  it('reads the older response.audio.delta / audio_transcript.delta names too', async () => {
    await restart({ legacyEventNames: true });
    const { session, next } = await connect();
    standIn.scriptResponse({ audioMs: 200, transcript: ['hi'] });
    session.createResponse();
    expect((await next('audio_delta')).audio.length).toBeGreaterThan(0); // PCM16 24 kHz by default
    expect((await next('transcript_delta')).text).toBe('hi');
  });

  it('server error events arrive typed; malformed server messages are counted and dropped', async () => {
    const { session, next } = await connect();
    session.cancelResponse(); // nothing active
    expect((await next('error')).error).toMatchObject({ code: 'response_cancel_not_active', type: 'invalid_request_error' });
    standIn.sendEvent({ nottype: 1 });
    standIn.sendEvent({ type: 'rate_limits.updated', rate_limits: [] });
    const other = await next('other');
    expect(other.event.type).toBe('rate_limits.updated');
    expect(session.stats.malformedEvents).toBe(1);
  });

  it('close() is idempotent, ends with byClient and no error; the stand-in sees the connection go', async () => {
    const { session } = await connect();
    const [a, b] = await Promise.all([session.close(), session.close()]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ code: 1000, byClient: true, error: undefined });
    await waitFor(() => standIn.openConnections === 0);
    expect(() => session.createResponse()).toThrow(VendorError);
    expect(session.appendAudio(Buffer.alloc(160))).toBe(false);
    expect(session.stats.droppedAudioBytes).toBe(160);
  });

  it('the abort signal terminates an open session', async () => {
    const controller = new AbortController();
    const { session } = await connect({ signal: controller.signal });
    controller.abort();
    expect(await session.closed).toMatchObject({ byClient: true });
    await waitFor(() => standIn.openConnections === 0);
  });

  it('a vendor-side close resolves closed with vendor_closed (retryable)', async () => {
    const { session, next } = await connect();
    await next('session_created');
    standIn.dropConnections(1011);
    const info = await session.closed;
    expect(info).toMatchObject({ code: 1011, byClient: false });
    expect(info.error).toMatchObject({ code: 'vendor_closed', retryable: true });
  });

  it('a refused upgrade is a typed error with the status and a redacted excerpt', async () => {
    const wrong = 'sk-proj-WRONGWRONGWRONG12345';
    const err = await failure(connect({ apiKey: wrong }));
    expect(err).toMatchObject({ code: 'vendor_rejected', status: 401, operation: 'realtime' });
    expect(err.bodyExcerpt).toContain('Incorrect API key');
    expect(err.bodyExcerpt).not.toContain('WRONGWRONG');

    standIn.rejectUpgrades(503);
    expect(await failure(connect())).toMatchObject({ code: 'vendor_unavailable', status: 503, retryable: true });
  });

  it('address policy: a public-only client refuses ws://127.0.0.1 and wss://127.0.0.1 before connecting', async () => {
    const insecure = await failure(connect({ addressPolicy: 'public' }));
    expect(insecure.code).toBe('vendor_address_not_allowed');
    expect(insecure.cause).toBeInstanceOf(RemoteAddressError);
    expect(insecure.cause).toMatchObject({ rule: 'insecure_scheme' });
    const loopback = await failure(connect({ addressPolicy: 'public', url: standIn.url.replace('ws:', 'wss:') }));
    expect(loopback.cause).toMatchObject({ rule: 'loopback' });
    const named = await failure(connect({ addressPolicy: 'public', url: 'wss://realtime.example.com/v1/realtime', resolveHost: async () => [{ address: '192.168.1.5', family: 4 }] }));
    expect(named.code).toBe('vendor_address_not_allowed');
    expect(named.cause).toMatchObject({ rule: 'private' });
    expect(standIn.upgrades).toHaveLength(0);
  });

  it('a server that never completes the upgrade hits the handshake deadline', async () => {
    const net = await import('node:net');
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    try {
      const err = await failure(connect({ url: `ws://127.0.0.1:${port}/v1/realtime`, handshakeTimeoutMs: 200 }));
      expect(err).toMatchObject({ code: 'vendor_timeout', retryable: true });
    } finally {
      silent.close();
    }
  });
});

function sessionsEvents(session: OpenAiRealtimeSession): { events: RealtimeEvent[] } {
  return { events: recorded.get(session) ?? [] };
}

async function waitFor(ready: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
