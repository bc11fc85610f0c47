import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RemoteAddressError } from '@vr3/providers';
import type { ResolveHost } from '@vr3/providers';
import { startOpenAiCompatibleStandIn } from '../testing/openai-compatible/server.ts';
import type { OpenAiCompatibleStandIn } from '../testing/openai-compatible/server.ts';
import type { ChatStreamEvent } from './chat-types.ts';
import { OpenAiCompatibleClient } from './client.ts';
import { VendorError } from '../errors.ts';
import type { OpenAiCompatibleClientOptions } from './options.ts';

let standIn: OpenAiCompatibleStandIn;
beforeEach(async () => {
  standIn = await startOpenAiCompatibleStandIn();
});
afterEach(async () => {
  await standIn.close();
});

const clientFor = (options: Partial<OpenAiCompatibleClientOptions> = {}): OpenAiCompatibleClient =>
  new OpenAiCompatibleClient({ baseUrl: standIn.url, apiKey: standIn.apiKey, addressPolicy: 'any', vendor: 'stand-in', ...options });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(VendorError);
    return err as VendorError;
  }
  throw new Error('expected a failure');
}

const hello = { model: 'gpt-test', messages: [{ role: 'user' as const, content: 'hello there' }] };

describe('chat completions (streamed)', () => {
  it('streams text deltas, the finish reason and usage; the request carries stream and include_usage, the recorded headers no key', async () => {
    standIn.scriptChat({ text: ['Hel', 'lo', '!'] });
    const events = await collect(clientFor().chat({ ...hello, temperature: 0.2, maxTokens: 50 }));
    expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['Hel', 'lo', '!']);
    expect(events.at(-2)).toEqual({ type: 'finish', reason: 'stop' });
    expect(events.at(-1)).toMatchObject({ type: 'usage', usage: { completionTokens: 3 } });

    const [req] = standIn.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1/chat/completions', authorized: true });
    expect(req!.headers.authorization).toBeUndefined();
    expect(req!.headers.accept).toBe('text/event-stream');
    expect(req!.body).toEqual({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'hello there' }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 50,
    });
  });

  it('assembles tool calls whose arguments arrive in pieces across chunks (interleaved by index) and sends the follow-up in the wire shape', async () => {
    const args0 = JSON.stringify({ city: 'Paris', unit: 'celsius' });
    const args1 = JSON.stringify({ reason: 'caller asked' });
    standIn.scriptChat({ text: [], toolCalls: [{ id: 'call_w', name: 'weather', arguments: args0, pieces: 5 }, { id: 'call_h', name: 'hangup', arguments: args1, pieces: 4 }], interleaveToolCalls: true });
    const tools = [
      { name: 'weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'hangup', parameters: { type: 'object', properties: {} } },
    ];
    const events = await collect(clientFor().chat({ ...hello, tools, toolChoice: 'auto' }));
    const calls = events.filter((e): e is Extract<ChatStreamEvent, { type: 'tool_call' }> => e.type === 'tool_call');
    expect(calls.map((c) => c.call)).toEqual([
      { id: 'call_w', name: 'weather', arguments: args0 },
      { id: 'call_h', name: 'hangup', arguments: args1 },
    ]);
    expect(events.find((e) => e.type === 'finish')).toEqual({ type: 'finish', reason: 'tool_calls' });
    expect((standIn.requests[0]!.body as any).tools).toEqual([
      { type: 'function', function: { name: 'weather', description: 'Weather in a city', parameters: tools[0]!.parameters } },
      { type: 'function', function: { name: 'hangup', parameters: tools[1]!.parameters } },
    ]);

    standIn.scriptChat({ text: ['It is sunny.'] });
    await collect(
      clientFor().chat({
        model: 'gpt-test',
        messages: [
          ...hello.messages,
          { role: 'assistant', content: null, toolCalls: calls.map((c) => c.call) },
          { role: 'tool', toolCallId: 'call_w', content: '{"sky":"clear"}' },
          { role: 'tool', toolCallId: 'call_h', content: 'ok' },
        ],
      }),
    );
    expect((standIn.requests[1]!.body as any).messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_w', type: 'function', function: { name: 'weather', arguments: args0 } },
          { id: 'call_h', type: 'function', function: { name: 'hangup', arguments: args1 } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_w', content: '{"sky":"clear"}' },
      { role: 'tool', tool_call_id: 'call_h', content: 'ok' },
    ]);
  });

  it('delivers deltas as they arrive, not at the end', async () => {
    standIn.scriptChat({ text: ['a', 'b', 'c', 'd'], chunkDelayMs: 150 });
    const started = Date.now();
    const stream = clientFor().chat(hello);
    const first = await stream.next();
    expect(first.value).toEqual({ type: 'text', text: 'a' });
    expect(Date.now() - started).toBeLessThan(400);
    await collect(stream);
  });

  it('aborting mid-stream rejects with vendor_aborted and closes the connection (the stand-in sees it)', async () => {
    standIn.scriptChat({ text: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 40 });
    const controller = new AbortController();
    const seen: ChatStreamEvent[] = [];
    const run = (async () => {
      for await (const e of clientFor().chat(hello, { signal: controller.signal })) {
        seen.push(e);
        if (seen.length === 2) controller.abort(new Error('caller hung up'));
      }
    })();
    const err = await failure(run);
    expect(err.code).toBe('vendor_aborted');
    expect(err.retryable).toBe(false);
    await standIn.waitForClientClose(0);
    expect(standIn.requests[0]!.closedByClient).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('leaving the loop early drops the connection', async () => {
    standIn.scriptChat({ text: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 30 });
    for await (const e of clientFor().chat(hello)) {
      expect(e.type).toBe('text');
      break;
    }
    await standIn.waitForClientClose(0);
  });

  it('a 500 becomes vendor_unavailable with the status, the vendor and a short excerpt; retryable', async () => {
    standIn.scriptChat({ status: 500, errorBody: { error: { message: 'The server had an error while processing your request.', type: 'server_error' } } });
    const err = await failure(collect(clientFor().chat(hello)));
    expect(err).toMatchObject({ code: 'vendor_unavailable', status: 500, vendor: 'stand-in', operation: 'chat', retryable: true });
    expect(err.bodyExcerpt).toContain('The server had an error');
    expect(err.message).not.toContain('processing');
  });

  it('a 401 is vendor_rejected and its excerpt never holds the API key the vendor echoed', async () => {
    const wrongKey = 'sk-proj-THISISAWRONGKEY1234567890';
    const err = await failure(collect(clientFor({ apiKey: wrongKey }).chat(hello)));
    expect(err).toMatchObject({ code: 'vendor_rejected', status: 401, retryable: false });
    expect(err.bodyExcerpt).toContain('Incorrect API key provided');
    expect(err.bodyExcerpt).not.toContain('THISISAWRONGKEY');
    expect(err.bodyExcerpt!.length).toBeLessThanOrEqual(200);
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(wrongKey);
  });

  it('no answer within firstByteTimeoutMs: vendor_first_byte_timeout, and the connection is dropped', async () => {
    standIn.scriptChat({ hang: 'before_headers' });
    const started = Date.now();
    const err = await failure(collect(clientFor({ firstByteTimeoutMs: 200 }).chat(hello)));
    expect(err).toMatchObject({ code: 'vendor_first_byte_timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(2_000);
    await standIn.waitForClientClose(0);
  });

  it('headers but no first byte also hit the first-byte deadline', async () => {
    standIn.scriptChat({ hang: 'after_headers' });
    const err = await failure(collect(clientFor({ firstByteTimeoutMs: 200 }).chat(hello)));
    expect(err.code).toBe('vendor_first_byte_timeout');
  });

  it('a stream that goes quiet mid-way hits the idle deadline', async () => {
    standIn.scriptChat({ text: ['a', 'b', 'c', 'd', 'e', 'f'], hang: 'mid_stream' });
    const seen: ChatStreamEvent[] = [];
    const err = await failure(
      (async () => {
        for await (const e of clientFor({ idleTimeoutMs: 200 }).chat(hello)) seen.push(e);
      })(),
    );
    expect(err.code).toBe('vendor_idle_timeout');
    expect(seen.length).toBeGreaterThan(0);
    await standIn.waitForClientClose(0);
  });

  it('an endless SSE line without newlines is cut at the line cap, long before the stream cap', async () => {
    standIn.scriptChat({ endlessLine: true });
    const err = await failure(collect(clientFor({ maxSseLineBytes: 64 * 1024, maxChatStreamBytes: 64 * 1024 * 1024 }).chat(hello)));
    expect(err).toMatchObject({ code: 'vendor_line_too_long', retryable: false });
    await standIn.waitForClientClose(0);
    // The client stopped reading: the stand-in could not write far past the cap (socket buffers aside).
    expect(standIn.requests[0]!.bytesSent).toBeLessThan(32 * 1024 * 1024);
  });

  it('a stream longer than maxChatStreamBytes fails vendor_response_too_large', async () => {
    standIn.scriptChat({ text: Array.from({ length: 200 }, () => 'x'.repeat(100)) });
    const err = await failure(collect(clientFor({ maxChatStreamBytes: 8 * 1024 }).chat(hello)));
    expect(err.code).toBe('vendor_response_too_large');
  });

  it('an error object inside a 200 stream is vendor_stream_error; a non-JSON chunk is vendor_malformed_response', async () => {
    standIn.scriptChat({ raw: [JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })] });
    const err = await failure(collect(clientFor().chat(hello)));
    expect(err).toMatchObject({ code: 'vendor_stream_error', retryable: true });
    expect(err.bodyExcerpt).toContain('overloaded');

    standIn.scriptChat({ raw: ['{"choices": ['] });
    expect((await failure(collect(clientFor().chat(hello)))).code).toBe('vendor_malformed_response');
  });

  it('a stream that ends with neither finish_reason nor [DONE] is vendor_network (retryable)', async () => {
    standIn.scriptChat({ raw: [JSON.stringify({ choices: [{ index: 0, delta: { content: 'cut' }, finish_reason: null }] })], omitDone: true });
    const err = await failure(collect(clientFor().chat(hello)));
    expect(err).toMatchObject({ code: 'vendor_network', retryable: true });
  });

  it('reuses the keep-alive connection for the next request after [DONE]', async () => {
    standIn.scriptChat({ text: ['one'] }, { text: ['two'] });
    const client = clientFor();
    await collect(client.chat(hello));
    await new Promise((r) => setTimeout(r, 50));
    await collect(client.chat(hello));
    expect(standIn.requests).toHaveLength(2);
    expect(standIn.connections).toBe(1);
  });
});

describe('transcriptions', () => {
  const pcm = (ms: number, rate: number): Buffer => Buffer.alloc(Math.round((ms * rate) / 1000) * 2);

  it('uploads a WAV built from PCM16 with model and language, and returns the text', async () => {
    standIn.scriptTranscription({ text: 'I would like to book a table' });
    const result = await clientFor().transcribe({ model: 'whisper-1', audio: pcm(1500, 16_000), sampleRate: 16_000, language: 'en' });
    expect(result).toEqual({ text: 'I would like to book a table' });
    const req = standIn.requests[0]!;
    expect(req.path).toBe('/v1/audio/transcriptions');
    expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(req.body).toMatchObject({
      fields: { model: 'whisper-1', language: 'en', response_format: 'json' },
      file: { field: 'file', filename: 'audio.wav', contentType: 'audio/wav', wav: { sampleRate: 16_000, channels: 1, bitsPerSample: 16, dataBytes: 48_000, durationMs: 1500 } },
    });
  });

  it('omits language when not given; the stand-in can answer by a lookup on the audio length', async () => {
    await standIn.close();
    standIn = await startOpenAiCompatibleStandIn({ transcribe: ({ wav }) => (wav!.durationMs >= 1000 ? 'long utterance' : 'short') });
    const client = clientFor();
    expect(await client.transcribe({ model: 'm', audio: pcm(400, 8_000), sampleRate: 8_000 })).toEqual({ text: 'short' });
    expect(await client.transcribe({ model: 'm', audio: pcm(1200, 8_000), sampleRate: 8_000 })).toEqual({ text: 'long utterance' });
    expect((standIn.requests[0]!.body as any).fields.language).toBeUndefined();
  });

  it('a 500 is a typed error; a hang hits the request deadline', async () => {
    standIn.scriptTranscription({ text: '', status: 503 }, { text: '', hang: 'after_headers' });
    const client = clientFor({ requestTimeoutMs: 300 });
    expect(await failure(client.transcribe({ model: 'm', audio: pcm(100, 8_000), sampleRate: 8_000 }))).toMatchObject({ code: 'vendor_unavailable', status: 503, operation: 'transcription' });
    expect((await failure(client.transcribe({ model: 'm', audio: pcm(100, 8_000), sampleRate: 8_000 }))).code).toBe('vendor_timeout');
  });

  it('refuses empty or odd-length audio before sending', async () => {
    await expect(clientFor().transcribe({ model: 'm', audio: Buffer.alloc(3), sampleRate: 8_000 })).rejects.toMatchObject({ code: 'invalid_option' });
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('speech', () => {
  it('streams PCM16 24 kHz chunks as they arrive, of a length proportional to the text', async () => {
    standIn.scriptSpeech({ msPerChar: 50, chunkBytes: 4_801, chunkDelayMs: 30 });
    const input = 'Hello, how can I help?'; // 22 chars → 1100 ms
    const started = Date.now();
    const chunks: Buffer[] = [];
    let firstAt = 0;
    for await (const chunk of clientFor().speech({ model: 'tts-1', voice: 'alloy', input })) {
      if (chunks.length === 0) firstAt = Date.now() - started;
      chunks.push(chunk);
    }
    const total = chunks.reduce((n, c) => n + c.length, 0);
    expect(total).toBe(Math.round((22 * 50 * 24_000) / 1000) * 2);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.every((c) => c.length % 2 === 0)).toBe(true); // odd network chunks are re-aligned to samples
    expect(firstAt).toBeLessThan(Date.now() - started - 100); // the first chunk came well before the end
    expect(standIn.requests[0]!.body).toEqual({ model: 'tts-1', voice: 'alloy', input, response_format: 'pcm' });
    // A tone, not silence.
    expect(Math.max(...Array.from({ length: 100 }, (_, i) => Math.abs(chunks[0]!.readInt16LE(i * 2))))).toBeGreaterThan(1000);
  });

  it('aborting mid-speech closes the connection', async () => {
    standIn.scriptSpeech({ msPerChar: 200, chunkDelayMs: 30 });
    const controller = new AbortController();
    let n = 0;
    const err = await failure(
      (async () => {
        for await (const _chunk of clientFor().speech({ model: 'tts-1', voice: 'alloy', input: 'a long sentence to speak' }, { signal: controller.signal })) {
          if (++n === 2) controller.abort();
        }
      })(),
    );
    expect(err.code).toBe('vendor_aborted');
    await standIn.waitForClientClose(0);
  });

  it('speech over maxSpeechBytes is cut (vendor_response_too_large)', async () => {
    const err = await failure(collect(clientFor({ maxSpeechBytes: 10_000 }).speech({ model: 'tts-1', voice: 'alloy', input: 'long enough text here' })));
    expect(err.code).toBe('vendor_response_too_large');
  });
});

describe('address policy', () => {
  /** Resolves every name to `address` (a stub DNS). One function for all clients (pools are per resolver). */
  let resolvedTo = '10.0.0.7';
  const resolveHost: ResolveHost = async () => [{ address: resolvedTo, family: 4 }];

  it('a public-only client refuses http://127.0.0.1 with the providers address error; nothing is sent', async () => {
    const err = await failure(collect(clientFor({ addressPolicy: 'public' }).chat(hello)));
    expect(err).toMatchObject({ code: 'vendor_address_not_allowed', retryable: false });
    expect(err.cause).toBeInstanceOf(RemoteAddressError);
    expect(err.cause).toMatchObject({ code: 'address_not_allowed', rule: 'insecure_scheme' });
    expect(standIn.requests).toHaveLength(0);
    expect(standIn.connections).toBe(0);
  });

  it('the default policy is public: https to a loopback literal or to a name resolving to a private address is refused', async () => {
    const port = new URL(standIn.url).port;
    const literal = await failure(new OpenAiCompatibleClient({ baseUrl: `https://127.0.0.1:${port}`, apiKey: 'k' }).transcribe({ model: 'm', audio: Buffer.alloc(2), sampleRate: 8000 }));
    expect(literal.code).toBe('vendor_address_not_allowed');
    expect(literal.cause).toMatchObject({ rule: 'loopback' });

    resolvedTo = '10.0.0.7';
    const named = await failure(collect(new OpenAiCompatibleClient({ baseUrl: `https://llm.example.com:${port}`, apiKey: 'k', resolveHost }).speech({ model: 'm', voice: 'v', input: 'x' })));
    expect(named.code).toBe('vendor_address_not_allowed');
    expect(named.cause).toMatchObject({ rule: 'private' });
    expect(standIn.connections).toBe(0);
  });

  it('the insecure option (addressPolicy any) allows the local stand-in, also by a name resolving to it', async () => {
    resolvedTo = '127.0.0.1';
    const port = new URL(standIn.url).port;
    const client = clientFor({ baseUrl: `http://llm.local.test:${port}`, resolveHost });
    expect((await collect(client.chat(hello))).some((e) => e.type === 'finish')).toBe(true);
  });

  it('validates options without echoing secrets', () => {
    expect(() => new OpenAiCompatibleClient({ baseUrl: 'ftp://x', apiKey: 'k' })).toThrow(/baseUrl/);
    expect(() => new OpenAiCompatibleClient({ baseUrl: 'https://x', apiKey: ' ' })).toThrow(/apiKey/);
    expect(() => new OpenAiCompatibleClient({ baseUrl: 'https://x', apiKey: 'k', headers: { Authorization: 'x' } })).toThrow(/Authorization/);
    expect(() => new OpenAiCompatibleClient({ baseUrl: 'https://x', apiKey: 'k', idleTimeoutMs: 0 })).toThrow(/idleTimeoutMs/);
  });
});
