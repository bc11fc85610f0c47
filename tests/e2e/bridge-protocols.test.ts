/**
 * The `bridge` engine through the embedded product, protocol by protocol: calls from every
 * provider's fake media client reach a real bot server on 127.0.0.1 speaking each bridge protocol
 * (read with the product's own provider adapters). Proves the bot's `start`, audio both ways
 * (tone frequency and level), DTMF, the caller hanging up, marks answered only after playout,
 * and clears.
 */
import { describe, expect, it } from 'vitest';
import type { CallEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import { int16ToPcm16le, mulawEncode } from '@vr3/codec';
import { sine } from '@vr3/codec/testing';
import type { BridgeProtocol as BotProtocol } from '@vr3/engine-bridge';
import type { TestBot, TestBotConnection, TestBotMode } from '@vr3/engine-bridge/testing';
import type { MediaCallOptions, PlivoStyleClientOptions } from '@vr3/providers/testing';
import { bridgeSuite, finalRun, receivedMs, sleep, toneIn, type BridgeCall, type CallerProvider } from '../harness/bridge.ts';
import { eventually } from '../harness/product.ts';
import { echoTone } from '../harness/providers.ts';

const suite = bridgeSuite();

const FROM = '+15550100';
const TO = '+15550199';

/** A bot of `protocol` and an agent bridging to it, with custom parameters of its own. */
function botAgent(protocol: BotProtocol, mode: TestBotMode, engine: Record<string, unknown> = {}): Promise<{ bot: TestBot; agentUuid: string }> {
  return suite.botAgent(protocol, mode, { custom_parameters: { tenant: 'acme' }, ...engine });
}

/** A call with known numbers and a custom parameter of the caller's own. */
function call(provider: CallerProvider, agentUuid: string, options: { call?: MediaCallOptions; client?: PlivoStyleClientOptions } = {}): Promise<BridgeCall> {
  return suite.call(provider, agentUuid, { call: { from: FROM, to: TO, customParameters: { lang: 'en' }, ...options.call }, ...(options.client ? { client: options.client } : {}) });
}

/** When each event reached the bot (`performance.now()`), recorded from the moment the connection is taken. */
function eventTimes(conn: TestBotConnection): Array<{ event: CallEvent; at: number }> {
  const seen: Array<{ event: CallEvent; at: number }> = [];
  conn.onEvent((event) => seen.push({ event, at: performance.now() }));
  return seen;
}

const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the bot must see in the protocol's `start` frame (the raw JSON, before any parsing). */
function expectStartFrame(protocol: BotProtocol, frames: ReadonlyArray<Record<string, unknown> | Buffer>, agentUuid: string): void {
  const json = frames.filter((f): f is Record<string, unknown> => !Buffer.isBuffer(f));
  const start = json.find((f) => f.event === 'start')!;
  const twilioIds = { streamSid: expect.stringMatching(/^MZ[0-9a-f]{32}$/), callSid: expect.stringMatching(/^CA[0-9a-f]{32}$/) };
  switch (protocol) {
    case 'twilio':
      expect(json[0]).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
      expect(start).toMatchObject({
        streamSid: twilioIds.streamSid,
        start: { ...twilioIds, accountSid: expect.stringMatching(/^AC[0-9a-f]{32}$/), mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
      });
      return;
    case 'cloudonix':
      expect(json[0]).toMatchObject({ event: 'connected' });
      expect(start).toMatchObject({ start: { ...twilioIds, session: expect.stringMatching(HEX32), accountSid: agentUuid, from: FROM, to: TO } });
      return;
    case 'exotel':
      expect(json[0]).toMatchObject({ event: 'connected' });
      expect(start).toMatchObject({
        stream_sid: expect.stringMatching(/^MZ[0-9a-f]{32}$/),
        start: {
          call_sid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
          account_sid: expect.stringMatching(/^AC[0-9a-f]{32}$/),
          from: FROM,
          to: TO,
          media_format: { encoding: 'audio/x-raw', sample_rate: '8000', bit_rate: '16' },
        },
      });
      return;
    case 'vobiz':
      expect(json[0]).toBe(start); // no `connected`
      expect(start).toMatchObject({
        streamId: expect.stringMatching(UUID),
        callId: expect.stringMatching(UUID),
        accountId: expect.stringMatching(/^MA_[0-9A-F]{10}$/),
        from: FROM,
        to: TO,
        extra_headers: expect.stringContaining('run_id='),
        start: { mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000 } },
      });
      return;
    case 'plivo':
      expect(json[0]).toBe(start);
      expect(start).toMatchObject({
        streamId: expect.stringMatching(UUID),
        accountId: expect.stringMatching(/^MA[0-9A-F]{18}$/),
        from: FROM,
        to: TO,
        start: { mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 } },
      });
      return;
    case 'vr3':
      expect(json[0]).toBe(start);
      return;
  }
}

/** The `stop` a bot of `protocol` gets when the call ends with `endReason` (null: the socket just closes). */
function expectedStop(protocol: BotProtocol, endReason: string): Record<string, unknown> | null {
  switch (protocol) {
    case 'twilio':
    case 'cloudonix':
      return { type: 'stop' };
    case 'exotel':
      return { type: 'stop', reason: endReason === 'caller_hangup' ? 'callended' : 'stopped' };
    case 'vobiz':
      return { type: 'stop', reason: endReason === 'caller_hangup' || endReason === 'stream_closed' ? 'call_ended' : 'stream_stopped' };
    case 'plivo':
      return null;
    case 'vr3':
      return { type: 'stop', reason: endReason };
  }
}

/** Providers that end a stream by closing the socket, without `stop`. */
const CLOSE_ONLY: ReadonlySet<CallerProvider> = new Set(['vobiz', 'plivo']);

interface Pair {
  caller: CallerProvider;
  call?: MediaCallOptions;
  bot: BotProtocol;
  engine?: Record<string, unknown>;
  /** Format the bot must receive the caller's audio in. */
  botFormat: MediaFormat;
  /** The caller's wire bytes reach the bot untouched (same encoding and rate on both sides). */
  passThrough?: (tone: Int16Array) => Buffer;
}

const PAIRS: Pair[] = [
  { caller: 'twilio', bot: 'exotel', botFormat: { encoding: 'pcm16le', sampleRate: 8000 } },
  { caller: 'vobiz', call: { format: { encoding: 'pcm16be', sampleRate: 16000 } }, bot: 'twilio', botFormat: { encoding: 'mulaw', sampleRate: 8000 } },
  { caller: 'cloudonix', bot: 'vr3', botFormat: { encoding: 'pcm16le', sampleRate: 16000 } },
  {
    caller: 'exotel',
    call: { format: { encoding: 'pcm16le', sampleRate: 16000 } },
    bot: 'vr3',
    engine: { sample_rate: 16000 },
    botFormat: { encoding: 'pcm16le', sampleRate: 16000 },
    passThrough: (tone) => Buffer.from(int16ToPcm16le(tone)),
  },
  { caller: 'plivo', bot: 'cloudonix', botFormat: { encoding: 'mulaw', sampleRate: 8000 }, passThrough: (tone) => Buffer.from(mulawEncode(tone)) },
  { caller: 'exotel', bot: 'vobiz', engine: { encoding: 'l16', sample_rate: 16000 }, botFormat: { encoding: 'pcm16be', sampleRate: 16000 } },
  { caller: 'twilio', bot: 'plivo', botFormat: { encoding: 'mulaw', sampleRate: 8000 } },
];

describe('every bridge protocol, calls from every provider', () => {
  it.each(PAIRS.map((p) => [`${p.caller} caller → ${p.bot} bot`, p] as const))(
    '%s: start, tone echo at frequency and level, DTMF, caller hangup',
    async (_name, pair) => {
      const { bot, agentUuid } = await botAgent(pair.bot, 'echo', pair.engine);
      const c = await call(pair.caller, agentUuid, { call: pair.call ?? {} });
      const conn = await bot.nextConnection();
      const start = (await conn.waitForStart()) as StartEvent;
      const run = (await suite.rig.product.api('GET', `/runs/${c.runId}`)).body;

      // The protocol's own start frame, and what the bridge always adds to the custom parameters.
      expectStartFrame(pair.bot, conn.frames, agentUuid);
      expect(conn.callerFormat).toEqual(pair.botFormat);
      if (pair.bot === 'vr3') {
        expect(start.metadata).toMatchObject({
          event: 'start',
          version: 1,
          run_id: c.runId,
          run_name: run.name,
          agent_uuid: agentUuid,
          provider: pair.caller,
          call_id: c.info.callId,
          stream_id: c.info.streamId,
          from: FROM,
          to: TO,
          custom_parameters: { lang: 'en', tenant: 'acme' },
          initial_context: expect.any(Object), // its contents: the test of `initial_context` below
          media_format: { encoding: 'pcm16le', sample_rate: pair.botFormat.sampleRate, channels: 1 },
        });
      } else {
        expect(start.customParameters).toMatchObject({ lang: 'en', tenant: 'acme', run_id: c.runId, run_name: run.name, agent_uuid: agentUuid, provider: pair.caller, from: FROM, to: TO });
        expect(start.streamId).not.toBe(c.info.streamId); // the bot's stream is its own, with ids per call
      }

      // Audio both ways: the bot echoes; the caller hears its own tone back, same pitch and level.
      const echo = await echoTone(c, 1000);
      expect(Math.abs(echo.frequency - 440)).toBeLessThan(10);
      expect(Math.abs(echo.levelDb)).toBeLessThan(1.5);
      const toBot = conn.callerAudio();
      expect(toBot.length).toBeGreaterThanOrEqual((pair.botFormat.sampleRate * (pair.botFormat.encoding === 'mulaw' ? 1 : 2) * 950) / 1000);
      if (pair.passThrough) {
        const sent = pair.passThrough(sine(440, c.client.format.sampleRate, 1000, 8000));
        expect(toBot.equals(sent)).toBe(true);
      }

      c.client.sendDtmf('5');
      expect(await conn.waitFor((e) => e.type === 'dtmf')).toMatchObject({ type: 'dtmf', digit: '5' });

      // The caller hangs up: the bot gets the protocol's stop (if any) and a 1000 close.
      const closed = await c.client.hangup();
      expect(closed.code).toBe(1000);
      const endReason = CLOSE_ONLY.has(pair.caller) ? 'stream_closed' : 'caller_hangup';
      expect((await conn.waitForClose()).code).toBe(1000);
      const stop = conn.events.find((e) => e.type === 'stop');
      const want = expectedStop(pair.bot, endReason);
      if (want === null) expect(stop).toBeUndefined();
      else expect(stop).toMatchObject(want);
      const final = await finalRun(suite.rig.product, c.runId);
      expect(final).toMatchObject({ state: 'completed', end_reason: endReason });
      expect(final.media_stats.audio_in_ms).toBeGreaterThanOrEqual(900);
      expect(final.media_stats.audio_out_ms).toBeGreaterThanOrEqual(800);
    },
  );
});

describe('the vr3 start carries the run as stored', () => {
  // `RunStart` fills the numbers a provider sends only in `start` (Exotel, Vobiz, Plivo, …); the
  // engine must see the run's context as stored, not as minted from the URL at admission.
  it('exotel caller → vr3 bot: start.initial_context is the run’s initial_context, numbers included', async () => {
    const { bot, agentUuid } = await botAgent('vr3', 'listen');
    const c = await call('exotel', agentUuid);
    const conn = await bot.nextConnection();
    const start = (await conn.waitForStart()) as StartEvent;
    const run = (await suite.rig.product.api('GET', `/runs/${c.runId}`)).body;
    expect(run.initial_context).toMatchObject({ caller_number: FROM, called_number: TO });
    expect((start.metadata as { initial_context: unknown }).initial_context).toEqual(run.initial_context);
    await c.client.hangup();
    await finalRun(suite.rig.product, c.runId);
  });
});

describe('marks are answered once the caller heard the audio before them', () => {
  const N = 600;
  const CASES: Array<{ caller: CallerProvider; bot: BotProtocol; engine?: Record<string, unknown> }> = [
    { caller: 'exotel', bot: 'twilio' },
    { caller: 'twilio', bot: 'vobiz', engine: { encoding: 'l16', sample_rate: 16000 } },
    { caller: 'plivo', bot: 'vr3' },
  ];
  it.each(CASES.map((c) => [`${c.caller} caller → ${c.bot} bot`, c] as const))('%s: a mark after 600 ms of audio comes back after playout, after the provider acknowledged it', async (_name, k) => {
    const { bot, agentUuid } = await botAgent(k.bot, 'listen', k.engine);
    const c = await call(k.caller, agentUuid, { client: { ackMode: 'playout' } });
    const conn = await bot.nextConnection();
    await conn.waitForStart();
    const seen = eventTimes(conn);
    const sentAt = performance.now();
    conn.sendAudio(toneIn(conn.botFormat, N));
    conn.sendMark('after-greeting');
    await conn.waitFor((e) => e.type === 'mark' && e.name === 'after-greeting', 5000);
    const answeredAt = seen.find((s) => s.event.type === 'mark')!.at;
    const ack = c.acks.find((a) => a.name === 'after-greeting');
    expect(ack).toBeDefined();
    // Not when the edge got it: after the audio played (less the few frames sent ahead of real time)…
    expect(answeredAt - sentAt).toBeGreaterThanOrEqual(N - 80);
    // …and only once the provider said so.
    expect(answeredAt).toBeGreaterThanOrEqual(ack!.at);
    expect(receivedMs(c.client)).toBeGreaterThanOrEqual(N - 20);
    expect(conn.events.filter((e) => e.type === 'mark')).toHaveLength(1);
    await c.client.hangup();
    expect(await finalRun(suite.rig.product, c.runId)).toMatchObject({ state: 'completed' });
  });
});

describe('clear reaches the provider and settles pending marks per protocol', () => {
  const AUDIO = 1500;
  const CASES: Array<{ caller: CallerProvider; bot: BotProtocol; settle: 'echoed' | 'vr3' | 'never' }> = [
    { caller: 'twilio', bot: 'vr3', settle: 'vr3' },
    { caller: 'vobiz', bot: 'exotel', settle: 'echoed' },
    { caller: 'cloudonix', bot: 'plivo', settle: 'never' },
  ];
  it.each(CASES.map((c) => [`${c.caller} caller → ${c.bot} bot`, c] as const))('%s', async (_name, k) => {
    const { bot, agentUuid } = await botAgent(k.bot, 'listen');
    const c = await call(k.caller, agentUuid, { client: { ackMode: 'playout' } });
    const conn = await bot.nextConnection();
    await conn.waitForStart();
    const seen = eventTimes(conn);
    const sentAt = performance.now();
    conn.sendAudio(toneIn(conn.botFormat, AUDIO));
    conn.sendMark('cut');
    await eventually(async () => receivedMs(c.client) >= 200, 3000, 10);
    conn.sendClear();
    const clearedAt = performance.now();
    await eventually(async () => c.client.clears === 1, 3000, 10);

    // The caller's audio stops: nothing more arrives once the clear has gone through.
    await sleep(300);
    const heard = receivedMs(c.client);
    await sleep(400);
    expect(receivedMs(c.client)).toBe(heard);
    expect(heard).toBeLessThan(AUDIO - 500);

    switch (k.settle) {
      case 'echoed': {
        // Twilio-style: the cut mark is echoed at once, long before its audio would have played.
        const mark = await eventually(async () => seen.find((s) => s.event.type === 'mark' && s.event.name === 'cut'), 2000, 10);
        expect(mark.at - clearedAt).toBeLessThan(500);
        expect(mark.at - sentAt).toBeLessThan(AUDIO - 300);
        break;
      }
      case 'vr3': {
        await conn.waitFor((e) => e.type === 'cleared');
        await conn.waitFor((e) => e.type === 'mark' && e.name === 'cut');
        expect(conn.frames).toContainEqual({ event: 'mark', name: 'cut', cleared: true });
        const cleared = conn.frames.find((f) => !Buffer.isBuffer(f) && f.event === 'cleared') as { heard_ms: number; discarded_ms: number };
        expect(cleared.heard_ms).toBeGreaterThan(100);
        expect(cleared.discarded_ms).toBeGreaterThan(500);
        expect(Math.abs(cleared.heard_ms + cleared.discarded_ms - AUDIO)).toBeLessThan(150);
        break;
      }
      case 'never': {
        // Plivo-style: `clearedAudio`, and the cut checkpoint is never answered (as Plivo does).
        await conn.waitFor((e) => e.type === 'cleared');
        await sleep(Math.max(0, sentAt + AUDIO + 300 - performance.now()));
        expect(conn.events.some((e) => e.type === 'mark')).toBe(false);
        break;
      }
    }
    await c.client.hangup();
    expect(await finalRun(suite.rig.product, c.runId)).toMatchObject({ state: 'completed' });
  });
});
