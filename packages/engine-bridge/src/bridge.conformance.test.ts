/**
 * Every bridge protocol through the same cases, against a real bot server on 127.0.0.1 speaking
 * the bot's side of the protocol (through the product's own provider adapters), with the
 * recording `AgentIO` of `@vr3/agent/testing`.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { RecordingIO, testSessionContext } from '@vr3/agent/testing';
import type { EngineError, LogEvent, MetricEvent } from '@vr3/agent';
import type { CallEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridgeEngine } from './engine.ts';
import type { BridgeEngineOptions } from './options.ts';
import type { BridgeSession } from './session.ts';
import { BRIDGE_PROTOCOLS } from './spec.ts';
import type { BridgeConfig, BridgeProtocol } from './spec.ts';
import { startTestBot } from './testing/test-bot.ts';
import type { TestBot } from './testing/test-bot.ts';
import type { TestBotConnection, TestBotMode } from './testing/test-bot-connection.ts';

/** How each protocol differs in the cases below. */
const CASES: Record<BridgeProtocol, { opening: string[]; stop: string | null; clearedAck: boolean; cutMarksAnswered: boolean; config: Partial<BridgeConfig>; streamId: RegExp }> = {
  twilio: { opening: ['connected', 'start'], stop: '', clearedAck: false, cutMarksAnswered: true, config: {}, streamId: /^MZ[0-9a-f]{32}$/ },
  cloudonix: { opening: ['connected', 'start'], stop: '', clearedAck: false, cutMarksAnswered: true, config: {}, streamId: /^MZ[0-9a-f]{32}$/ },
  exotel: { opening: ['connected', 'start'], stop: 'callended', clearedAck: false, cutMarksAnswered: true, config: { sample_rate: 16000 }, streamId: /^MZ[0-9a-f]{32}$/ },
  vobiz: { opening: ['start'], stop: 'call_ended', clearedAck: true, cutMarksAnswered: false, config: { encoding: 'l16', sample_rate: 16000 }, streamId: /^[0-9a-f-]{36}$/ },
  plivo: { opening: ['start'], stop: null, clearedAck: true, cutMarksAnswered: false, config: {}, streamId: /^[0-9a-f-]{36}$/ },
  vr3: { opening: ['start'], stop: 'caller_hangup', clearedAck: true, cutMarksAnswered: true, config: {}, streamId: /^MZ-test-stream$/ },
};

const EXPECTED_FORMAT: Record<BridgeProtocol, MediaFormat> = {
  twilio: { encoding: 'mulaw', sampleRate: 8000 },
  cloudonix: { encoding: 'mulaw', sampleRate: 8000 },
  exotel: { encoding: 'pcm16le', sampleRate: 16000 },
  vobiz: { encoding: 'pcm16le', sampleRate: 16000 },
  plivo: { encoding: 'mulaw', sampleRate: 8000 },
  vr3: { encoding: 'pcm16le', sampleRate: 16000 },
};

const SECRET_HEADER = 'Bearer s3cret-header';
const SECRET_QUERY = 'q-s3cret';

const bots: TestBot[] = [];
const sessions: BridgeSession[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close({ endReason: 'test_end' })));
  await Promise.all(bots.splice(0).map((b) => b.close()));
});

const until = async (cond: () => boolean, what = 'condition', timeoutMs = 3000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const is16 = (f: MediaFormat): boolean => f.encoding === 'pcm16le' || f.encoding === 'pcm16be';
/** `bytes` of format `from` as format `to` (same audio; L16 byte orders swapped). */
const inFormat = (from: MediaFormat, to: MediaFormat, bytes: Buffer): Buffer => (is16(from) && is16(to) && from.encoding !== to.encoding ? Buffer.from(bytes).swap16() : bytes);
/** `ms` of random audio in `format`. */
const audioOf = (format: MediaFormat, ms: number): Buffer => randomBytes(((format.sampleRate * ms) / 1000) * (is16(format) ? 2 : 1));

function configFor(protocol: BridgeProtocol, url: string, extra: Partial<BridgeConfig> = {}): BridgeConfig {
  return {
    type: 'bridge',
    url: `${url}bots/7?token=${SECRET_QUERY}`,
    protocol,
    headers: { Authorization: SECRET_HEADER, 'X-Tenant': 'acme' },
    custom_parameters: { tenant: 'acme' },
    ...CASES[protocol].config,
    ...extra,
  };
}

async function bridge(
  protocol: BridgeProtocol,
  opts: { mode?: TestBotMode; config?: Partial<BridgeConfig>; options?: BridgeEngineOptions; url?: string; wait?: boolean } = {},
): Promise<{ bot: TestBot; session: BridgeSession; io: RecordingIO; ctx: ReturnType<typeof testSessionContext<BridgeConfig>>; conn: TestBotConnection | null }> {
  const bot = await startTestBot({ protocol, mode: opts.mode ?? 'listen' });
  bots.push(bot);
  const ctx = testSessionContext<BridgeConfig>(configFor(protocol, opts.url ?? bot.url, opts.config), { customParameters: { lang: 'en' }, initialContext: { crm_id: 42 } });
  const session = createBridgeEngine(opts.options).createSession(ctx) as BridgeSession;
  sessions.push(session);
  const io = new RecordingIO(session.format);
  io.attach(session);
  void session.start(io);
  let conn: TestBotConnection | null = null;
  if (opts.wait !== false) {
    conn = await bot.nextConnection();
    await conn.waitForStart();
  }
  return { bot, session, io, ctx, conn };
}

const failureCode = (io: RecordingIO): string | undefined => (io.failures[0] as EngineError | undefined)?.code;
const logs = (io: RecordingIO): LogEvent['data'][] => io.events.filter((e): e is LogEvent => e.type === 'log').map((e) => e.data);
const metrics = (io: RecordingIO): Record<string, number> =>
  Object.fromEntries(io.events.filter((e): e is MetricEvent => e.type === 'metric').map((e) => [e.data.name, e.data.value]));
const isMark = (name: string) => (e: CallEvent) => e.type === 'mark' && e.name === name;

/** A free TCP port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(BRIDGE_PROTOCOLS)('bridge over %s', (protocol) => {
  const c = CASES[protocol];

  it('opens with the protocol’s frames and a start carrying the call, with the configured headers', async () => {
    const { session, conn, ctx, io } = await bridge(protocol);
    expect(session.format).toEqual(EXPECTED_FORMAT[protocol]);
    expect(conn!.events.map((e) => e.type)).toEqual(c.opening);
    const start = conn!.start!;
    expect(start.streamId).toMatch(c.streamId);
    expect({ ...conn!.callerFormat, encoding: is16(conn!.callerFormat) ? 'pcm16le' : conn!.callerFormat.encoding }).toEqual(session.format);
    expect(conn!.headers.authorization).toBe(SECRET_HEADER);
    expect(conn!.headers['x-tenant']).toBe('acme');
    expect(conn!.path).toBe(`/bots/7?token=${SECRET_QUERY}`);
    if (protocol === 'vr3') {
      expect(start.metadata).toEqual({
        event: 'start',
        version: 1,
        run_id: 'run-test-1',
        run_name: 'WR-AGS-TEST0001',
        agent_uuid: '00000000-0000-4000-8000-000000000001',
        provider: 'twilio',
        call_id: 'CA-test-call',
        stream_id: 'MZ-test-stream',
        from: '+15551230001',
        to: '+15551230002',
        custom_parameters: { lang: 'en', tenant: 'acme' },
        initial_context: { crm_id: 42 },
        media_format: { encoding: 'pcm16le', sample_rate: 16000, channels: 1 },
      });
    } else {
      expect(start.customParameters).toEqual({
        lang: 'en',
        tenant: 'acme',
        run_id: 'run-test-1',
        run_name: 'WR-AGS-TEST0001',
        agent_uuid: '00000000-0000-4000-8000-000000000001',
        provider: 'twilio',
        from: '+15551230001',
        to: '+15551230002',
      });
      expect(start.callId).toBeDefined();
      expect(start.accountId).toBeDefined();
      if (protocol !== 'twilio') expect(start).toMatchObject({ from: '+15551230001', to: '+15551230002' });
    }
    await session.close({ endReason: 'caller_hangup' });
    const logged = JSON.stringify([ctx.logger.lines, io.events]);
    expect(logged).not.toContain(SECRET_HEADER);
    expect(logged).not.toContain(SECRET_QUERY);
    expect(logged).not.toContain('bots/7');
    expect(ctx.logger.lines.find((l) => l.msg === 'bridge connected')?.obj).toMatchObject({ bot: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/), protocol });
  });

  it('carries audio both ways, bytes exact, bot chunks of any size', async () => {
    const { session, conn, io } = await bridge(protocol);
    const caller = [audioOf(session.format, 20), audioOf(session.format, 20), audioOf(session.format, 100)];
    for (const chunk of caller) session.onAudio(chunk);
    const expected = inFormat(session.format, conn!.callerFormat, Buffer.concat(caller));
    await until(() => conn!.callerAudio().length >= expected.length, 'caller audio at the bot');
    expect(conn!.callerAudio()).toEqual(expected);

    const sizes = is16(conn!.botFormat) ? [301, 301, 1002] : [7, 333, 1000];
    const agent = sizes.map((n) => randomBytes(n));
    for (const chunk of agent) conn!.sendAudio(chunk);
    const heard = inFormat(conn!.botFormat, session.format, Buffer.concat(agent));
    await until(() => io.audioBytes().length >= heard.length, 'agent audio at the call');
    expect(io.audioBytes()).toEqual(heard);
    expect(io.audio.every((a) => a.byteLength % (is16(session.format) ? 2 : 1) === 0)).toBe(true);
  });

  it('answers a mark only once the caller heard it', async () => {
    const { conn, io } = await bridge(protocol);
    conn!.sendAudio(audioOf(conn!.botFormat, 200));
    conn!.sendMark('greeting');
    await until(() => io.marks.length === 1, 'mark at the call');
    expect(io.marks).toEqual(['greeting']);
    await sleep(50);
    expect(conn!.events.some(isMark('greeting'))).toBe(false);
    io.ackMarks();
    await conn!.waitFor(isMark('greeting'));
  });

  it('clears: the call drops queued audio, the bot gets the protocol’s answer', async () => {
    const { conn, io } = await bridge(protocol);
    conn!.sendAudio(audioOf(conn!.botFormat, 200));
    conn!.sendMark('pending');
    conn!.sendClear();
    await until(() => io.clears === 1, 'clear at the call');
    if (c.clearedAck) await conn!.waitFor((e) => e.type === 'cleared');
    if (c.cutMarksAnswered) await conn!.waitFor(isMark('pending'));
    await sleep(50);
    expect(conn!.events.some(isMark('pending'))).toBe(c.cutMarksAnswered);
    expect(conn!.events.some((e) => e.type === 'cleared')).toBe(c.clearedAck);
    if (protocol === 'vr3') expect(conn!.frames).toContainEqual({ event: 'mark', name: 'pending', cleared: true });
  });

  it('passes caller DTMF to the bot', async () => {
    const { session, conn } = await bridge(protocol);
    session.onDtmf('7');
    expect(await conn!.waitFor((e) => e.type === 'dtmf')).toMatchObject({ type: 'dtmf', digit: '7' });
  });

  it('caller hangup: the protocol’s stop, then a 1000 close', async () => {
    const { session, conn, io } = await bridge(protocol);
    await session.close({ endReason: 'caller_hangup' });
    expect((await conn!.waitForClose()).code).toBe(1000);
    const stop = conn!.events.find((e) => e.type === 'stop');
    if (c.stop === null) expect(stop).toBeUndefined();
    else expect(stop).toEqual(c.stop === '' ? { type: 'stop' } : { type: 'stop', reason: c.stop });
    expect(io.failures).toEqual([]);
    expect(io.hangups).toEqual([]);
  });

  it('leaves no timer, queued audio or mark behind once closed', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const { session, conn } = await bridge(protocol);
    session.onAudio(audioOf(session.format, 20));
    conn!.sendMark('m');
    await until(() => session.stats().botFrames === 1, 'mark at the bridge');
    await session.close({ endReason: 'caller_hangup' });
    await conn!.waitForClose();
    await sleep(10);
    // At most as many as before: an earlier test's timer may have run out meanwhile, none of ours remains.
    expect(timers()).toBeLessThanOrEqual(before);
    expect(session.stats()).toMatchObject({ queuedAudioBytes: 0, botBufferedBytes: 0 });
  });

  it('a listen-only bot that closes normally hangs the call up', async () => {
    const { session, conn, io } = await bridge(protocol);
    session.onAudio(audioOf(session.format, 20));
    await conn!.close(1000);
    await until(() => io.hangups.length === 1, 'hangup');
    expect(io.failures).toEqual([]);
    expect(io.audio).toEqual([]);
  });

  it('a bot dropping mid-call fails the call with agent_disconnected', async () => {
    const { conn, io } = await bridge(protocol);
    conn!.terminate();
    await until(() => io.failures.length === 1, 'failure');
    expect(failureCode(io)).toBe('agent_disconnected');
    expect(logs(io)).toContainEqual(expect.objectContaining({ level: 'error', reason: 'bot_dropped', close_code: 1006 }));
    expect(io.hangups).toEqual([]);
  });

  it('an unreachable bot (closed port) fails with agent_unreachable', async () => {
    const { io } = await bridge(protocol, { url: `ws://127.0.0.1:${await closedPort()}/`, wait: false });
    await until(() => io.failures.length === 1, 'failure');
    expect(failureCode(io)).toBe('agent_unreachable');
    expect(logs(io)).toContainEqual(expect.objectContaining({ reason: 'connect_failed', error: 'ECONNREFUSED' }));
  });

  it('a bot that never answers the upgrade fails with agent_unreachable at connect_timeout_ms', async () => {
    const startedAt = Date.now();
    const { io, bot } = await bridge(protocol, { mode: 'stall', wait: false, config: { connect_timeout_ms: 300 } });
    await until(() => io.failures.length === 1, 'failure');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(failureCode(io)).toBe('agent_unreachable');
    expect(logs(io)).toContainEqual(expect.objectContaining({ reason: 'connect_timeout', timeout_ms: 300 }));
    expect(bot.upgrades).toHaveLength(1);
    expect(bot.upgrades[0]!.headers.authorization).toBe(SECRET_HEADER);
  });

  it('a refused upgrade (401) fails with agent_unreachable', async () => {
    const { io } = await bridge(protocol, { mode: 'refuse', wait: false });
    await until(() => io.failures.length === 1, 'failure');
    expect(failureCode(io)).toBe('agent_unreachable');
    expect(io.failures[0]!.message).toContain('http_status 401');
  });

  it('keeps caller audio and DTMF that arrive while connecting, and sends them after the start', async () => {
    const { bot, session } = await bridge(protocol, { wait: false });
    const early = [audioOf(session.format, 20), audioOf(session.format, 20)];
    session.onAudio(early[0]!);
    session.onDtmf('1');
    session.onAudio(early[1]!);
    const conn = await bot.nextConnection();
    await conn.waitFor((e) => e.type === 'dtmf');
    await until(() => conn.events.filter((e) => e.type === 'media').length === 2, 'early audio');
    expect(conn.events.map((e) => e.type)).toEqual([...c.opening, 'media', 'dtmf', 'media']);
    expect(conn.callerAudio()).toEqual(inFormat(session.format, conn.callerFormat, Buffer.concat(early)));
  });

  it('ends a connect in progress when the call ends, without failing it', async () => {
    const { io, ctx, session } = await bridge(protocol, { mode: 'stall', wait: false, config: { connect_timeout_ms: 200 } });
    ctx.controller.abort();
    await session.close({ endReason: 'caller_hangup' });
    await sleep(300);
    expect(io.failures).toEqual([]);
  });

  it('toward a bot that never reads: bounded queue, oldest audio dropped and counted', async () => {
    const options = { maxBufferedBytes: 16 * 1024, maxQueuedAudioMs: 500 };
    const { session, conn, io } = await bridge(protocol, { options });
    conn!.pauseReading();
    const chunk = audioOf(session.format, 100);
    const bytesPerMs = chunk.length / 100;
    /** One chunk as the largest frame the protocol makes of it (base64 JSON). */
    const largestFrame = Math.ceil((chunk.length * 4) / 3) + 512;
    let sent = 0;
    for (; sent < 50_000 && io.droppedFrames < 20; sent++) {
      session.onAudio(chunk);
      if (sent % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    expect(io.droppedFrames).toBeGreaterThanOrEqual(20);
    const stats = session.stats();
    expect(stats.droppedCallerFrames).toBe(io.droppedFrames);
    expect(stats.queuedAudioBytes).toBe(5 * chunk.length);
    expect(stats.queuedAudioBytes).toBeLessThanOrEqual(500 * bytesPerMs);
    expect(stats.botBufferedBytes).toBeLessThanOrEqual(options.maxBufferedBytes + largestFrame);
    expect(conn!.callerAudio().length).toBeLessThan(sent * chunk.length);
    conn!.resumeReading();
    await session.close({ endReason: 'caller_hangup' });
    expect(metrics(io).bridge_caller_frames_dropped).toBe(io.droppedFrames);
  });

  it('cuts off a flooding bot with a log event saying why', async () => {
    const { conn, io } = await bridge(protocol, { options: { maxFramesPerSecond: 50, frameBurst: 100 } });
    for (let i = 0; i < 400; i++) conn!.sendJson({ event: 'noise', i });
    await until(() => io.failures.length === 1, 'failure');
    expect(failureCode(io)).toBe('agent_error');
    expect(logs(io)).toContainEqual(expect.objectContaining({ level: 'error', reason: 'frame_rate_exceeded', limit_per_s: 50 }));
    expect((await conn!.waitForClose()).code).toBe(1008);
  });

  it('cuts off a bot sending a frame over maxPayload', async () => {
    const { conn, io } = await bridge(protocol, { options: { maxPayloadBytes: 2048 } });
    conn!.sendAudio(audioOf(conn!.botFormat, 500));
    await until(() => io.failures.length === 1, 'failure');
    expect(failureCode(io)).toBe('agent_error');
    expect(logs(io)).toContainEqual(expect.objectContaining({ reason: 'frame_too_large', limit_bytes: 2048 }));
  });

  it('skips malformed bot frames, counts them, and goes on', async () => {
    const { session, conn, io } = await bridge(protocol);
    conn!.sendRaw('not json');
    conn!.sendRaw('[1,2]');
    conn!.sendJson(c.clearedAck && protocol !== 'vr3' ? { event: 'checkpoint' } : { event: 'mark' });
    conn!.sendJson({ event: 'unknown-event' });
    const audio = audioOf(conn!.botFormat, 20);
    conn!.sendAudio(audio);
    await until(() => io.audioBytes().length === audio.length, 'audio after malformed frames');
    expect(session.stats()).toMatchObject({ malformedFrames: 3, ignoredFrames: 1 });
    expect(logs(io).filter((l) => l.level === 'warn')).toHaveLength(1);
    await session.close({ endReason: 'caller_hangup' });
    expect(metrics(io)).toMatchObject({ bridge_bot_frames_malformed: 3, bridge_bot_frames_ignored: 1 });
    expect(io.failures).toEqual([]);
  });
});

describe('vr3 commands', () => {
  it('hangup, transfer, set_context and event reach the call', async () => {
    const { conn, io } = await bridge('vr3');
    conn!.sendJson({ event: 'set_context', values: { intent: 'billing' } });
    conn!.sendJson({ event: 'event', data: { kind: 'tool', name: 'lookup' } });
    conn!.sendJson({ event: 'transfer', target: '+15550009' });
    conn!.sendJson({ event: 'hangup', reason: 'done' });
    await until(() => io.hangups.length === 1, 'hangup');
    expect(io.contexts).toEqual([{ intent: 'billing' }]);
    expect(io.events).toContainEqual({ type: 'event', data: { kind: 'tool', name: 'lookup' } });
    expect(io.transfers).toEqual(['+15550009']);
    expect(io.hangups).toEqual(['done']);
  });

  it('answers a clear with what the caller heard and what was cut', async () => {
    const { conn, io } = await bridge('vr3');
    conn!.sendAudio(audioOf(conn!.botFormat, 500));
    await until(() => io.audio.length === 1, 'audio');
    io.play(120);
    conn!.sendClear();
    await conn!.waitFor((e) => e.type === 'cleared');
    expect(conn!.frames).toContainEqual({ event: 'cleared', heard_ms: 120, discarded_ms: 380 });
  });
});

describe('plivo-style stop from the bot', () => {
  it.each(['vobiz', 'plivo'] as const)('%s: drops queued audio and hangs up', async (protocol) => {
    const { conn, io } = await bridge(protocol);
    conn!.sendAudio(audioOf(conn!.botFormat, 100));
    conn!.sendMark('bye');
    conn!.sendJson({ event: 'stop', streamId: conn!.start!.streamId });
    await until(() => io.hangups.length === 1, 'hangup');
    expect(io.clears).toBe(1);
    expect(io.hangups).toEqual(['bot stopped the stream']);
    await sleep(30);
    expect(conn!.events.some(isMark('bye'))).toBe(false);
  });
});

describe('echo mode of the test bot', () => {
  it.each(BRIDGE_PROTOCOLS)('%s: plays the caller back and hangs up on #', async (protocol) => {
    const { session, io } = await bridge(protocol, { mode: 'echo' });
    const audio = audioOf(session.format, 40);
    session.onAudio(audio);
    await until(() => io.audioBytes().length === audio.length, 'echo');
    expect(io.audioBytes()).toEqual(audio);
    session.onDtmf('#');
    await until(() => io.hangups.length === 1, 'hangup');
  });
});

describe('ids and start fields are per call', () => {
  it('two calls get different stream and call ids', async () => {
    const a = await bridge('twilio');
    const b = await bridge('twilio');
    expect(a.conn!.start!.streamId).not.toBe(b.conn!.start!.streamId);
    expect((a.conn!.start as StartEvent).callId).not.toBe((b.conn!.start as StartEvent).callId);
    expect(a.conn!.start!.accountId).toBe(`AC${'00000000000040008000000000000001'}`);
  });
});
