/**
 * A local stand-in for OpenAI Realtime (GA): a real WebSocket server on `127.0.0.1:0` at
 * `/v1/realtime` that keeps a session per connection, runs an energy "server VAD" over appended
 * audio, streams scripted responses (audio and transcript deltas, optionally a function call, and
 * the token usage on `response.done`) on
 * `response.create` or when the VAD hears speech stop, transcribes the caller when asked (scripted), honours cancel and truncate, answers
 * mistakes with `error` events as the vendor does, and records every client event. It can be
 * scripted to refuse or hold upgrades and to leave chosen client events unanswered. Its HTTP side
 * answers `GET /v1/models` (what a credentials check reads).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { g711Encode, tonePcm16 } from '../openai-compatible/audio.ts';
import { answerModels } from '../openai-compatible/models.ts';
import { listenOnLoopback } from '../streaming/loopback-server.ts';
import { EnergyVad, durationMs, formatInfo } from './vad.ts';
import type { EnergyVadOptions, StandInAudioFormat } from './vad.ts';

/** One scripted response. */
export interface RealtimeReply {
  /** Output audio length (a tone, or silence). Default 300 ms, or 0 with a function call. */
  audioMs?: number | undefined;
  sound?: 'tone' | 'silence' | undefined;
  /** Transcript pieces of the audio. Default `['ok']`, or none with a function call. */
  transcript?: readonly string[] | undefined;
  /** A function call after the audio. */
  functionCall?: { name: string; arguments: string; callId?: string | undefined } | undefined;
  /** Audio per delta. Default 100 ms. */
  chunkMs?: number | undefined;
  /** Delay after each audio delta (so a cancel can land mid-response). Default 0. */
  chunkDelayMs?: number | undefined;
  /** Send this `error` instead of a response. */
  error?: { type: string; code?: string; message: string } | undefined;
  /** `response.done`'s `usage`. Default: counted from the reply ({@link replyUsage}). */
  usage?: Record<string, unknown> | undefined;
}

/**
 * Token counts of a reply, about as the vendor reports them: output audio at 20 tokens a second,
 * output text (transcript, function arguments) at a token per 4 characters; input, the caller
 * audio appended in the session at 10 tokens a second and 100 text tokens (the instructions).
 */
function replyUsage(outputAudioMs: number, outputText: string, inputAudioMs: number): Record<string, unknown> {
  const outAudio = Math.ceil(outputAudioMs / 50);
  const outText = Math.ceil(outputText.length / 4);
  const inAudio = Math.ceil(inputAudioMs / 100);
  const inText = 100;
  return {
    total_tokens: inText + inAudio + outText + outAudio,
    input_tokens: inText + inAudio,
    output_tokens: outText + outAudio,
    input_token_details: { text_tokens: inText, audio_tokens: inAudio, cached_tokens: 0 },
    output_token_details: { text_tokens: outText, audio_tokens: outAudio },
  };
}

/** A client event as received. */
export type RecordedRealtimeEvent = { type: string } & Record<string, any>;

/** One upgrade request as received. */
export interface RecordedRealtimeUpgrade {
  path: string;
  /** The `model` query parameter. */
  model: string | null;
  /** Headers without `authorization`. */
  headers: IncomingHttpHeaders;
  authorized: boolean;
}

/** Options of {@link startOpenAiRealtimeStandIn}. */
export interface OpenAiRealtimeStandInOptions {
  /** Key the stand-in accepts. Default `'sk-standin-test-key'`. */
  apiKey?: string | undefined;
  /** Use the pre-GA names `response.audio.delta` / `response.audio_transcript.delta`. */
  legacyEventNames?: boolean | undefined;
  vad?: EnergyVadOptions | undefined;
}

/** A running stand-in. */
export interface OpenAiRealtimeStandIn {
  /** `ws://127.0.0.1:<port>/v1/realtime`: the client's `url`. */
  readonly url: string;
  readonly apiKey: string;
  /** Every client event of every connection, in arrival order. */
  readonly events: readonly RecordedRealtimeEvent[];
  readonly upgrades: readonly RecordedRealtimeUpgrade[];
  /** Audio bytes appended over all connections. */
  readonly receivedAudioBytes: number;
  /** Connections currently open. */
  readonly openConnections: number;
  /** Queues replies for the next responses. */
  scriptResponse(...replies: RealtimeReply[]): void;
  /**
   * Queues transcripts of the caller's next utterances, sent as
   * `conversation.item.input_audio_transcription.completed` after each commit while the session has
   * `audio.input.transcription` set (default `'hello'`).
   */
  scriptInputTranscript(...transcripts: string[]): void;
  /** Refuses later upgrades with `status` (`null` restores). */
  rejectUpgrades(status: number | null): void;
  /** Leaves later upgrades unanswered (the socket stays open, silent) while `on`; {@link close} ends them. */
  holdUpgrades(on: boolean): void;
  /**
   * Leaves client events of these types unanswered (recorded, not acted on): a vendor that stops
   * answering. Replaces the previous list; no types restores.
   */
  ignoreEvents(...types: string[]): void;
  /** Sends a raw server event to every open connection. */
  sendEvent(event: Record<string, unknown>): void;
  /** Resolves with the `count`-th client event of `type` (1-based). */
  waitForEvent(type: string, count?: number, timeoutMs?: number): Promise<RecordedRealtimeEvent>;
  /** Closes every open connection with `code`. */
  dropConnections(code?: number): void;
  /** Stops the server, closes connections, clears timers. Idempotent. */
  close(): Promise<void>;
}

interface ActiveResponse {
  id: string;
  timer: NodeJS.Timeout | undefined;
  cancel(): void;
}

interface Conn {
  ws: WebSocket;
  session: Record<string, any>;
  vad: EnergyVad;
  bufferedBytes: number;
  /** Caller audio appended in the session, ms. */
  inputAudioMs: number;
  speechItemId: string | undefined;
  active: ActiveResponse | undefined;
  /** Assistant audio items and their audio length (ms); function call ids. */
  audioItems: Map<string, number>;
  callIds: Set<string>;
}

const DEFAULT_SESSION = {
  type: 'realtime',
  object: 'realtime.session',
  model: 'gpt-realtime',
  output_modalities: ['audio'],
  instructions: '',
  audio: {
    input: { format: { type: 'audio/pcm', rate: 24_000 }, turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true } },
    output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'alloy' },
  },
  tools: [],
  tool_choice: 'auto',
};

/** Starts a stand-in on `127.0.0.1:0`. */
export async function startOpenAiRealtimeStandIn(options: OpenAiRealtimeStandInOptions = {}): Promise<OpenAiRealtimeStandIn> {
  const apiKey = options.apiKey ?? 'sk-standin-test-key';
  const legacy = options.legacyEventNames === true;
  const events: RecordedRealtimeEvent[] = [];
  const upgrades: RecordedRealtimeUpgrade[] = [];
  const replies: RealtimeReply[] = [];
  const inputTranscripts: string[] = [];
  const conns = new Set<Conn>();
  const watchers = new Set<() => void>();
  let receivedAudioBytes = 0;
  let rejectStatus: number | null = null;
  let holdUpgrades = false;
  let ignored = new Set<string>();
  const held = new Set<Socket>();
  let serial = 0;
  let closing: Promise<void> | undefined;
  const id = (prefix: string): string => `${prefix}_standin_${++serial}`;

  const emit = (conn: Conn, event: Record<string, unknown>): void => {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify({ event_id: id('event'), ...event }));
  };
  const error = (conn: Conn, code: string, message: string, eventId?: unknown): void =>
    emit(conn, { type: 'error', error: { type: 'invalid_request_error', code, message, param: null, event_id: typeof eventId === 'string' ? eventId : null } });
  const inputFormat = (conn: Conn): StandInAudioFormat => (conn.session.audio?.input?.format?.type ?? 'audio/pcm') as StandInAudioFormat;
  const outputFormat = (conn: Conn): StandInAudioFormat => (conn.session.audio?.output?.format?.type ?? 'audio/pcm') as StandInAudioFormat;

  const outputAudio = (conn: Conn, ms: number, sound: 'tone' | 'silence'): Buffer => {
    const format = outputFormat(conn);
    const { sampleRate } = formatInfo(format);
    const samples = Math.round((ms * sampleRate) / 1000);
    const pcm = sound === 'silence' ? Buffer.alloc(samples * 2) : tonePcm16(samples, sampleRate);
    return format === 'audio/pcm' ? pcm : g711Encode(pcm, format === 'audio/pcmu' ? 'pcmu' : 'pcma');
  };

  const startResponse = (conn: Conn): void => {
    if (conn.active !== undefined) return error(conn, 'conversation_already_has_active_response', 'Conversation already has an active response in progress');
    const reply = replies.shift() ?? {};
    if (reply.error !== undefined) return emit(conn, { type: 'error', error: { param: null, event_id: null, ...reply.error } });
    const responseId = id('resp');
    const call = reply.functionCall;
    const audioMs = reply.audioMs ?? (call === undefined ? 300 : 0);
    const transcript = reply.transcript ?? (call === undefined ? ['ok'] : []);
    const output: Record<string, unknown>[] = [];
    const steps: { event: Record<string, unknown>; pause: boolean }[] = [];
    const add = (event: Record<string, unknown>, pause = false): void => void steps.push({ event: { response_id: responseId, ...event }, pause });

    if (audioMs > 0 || transcript.length > 0) {
      const itemId = id('item');
      const audio = outputAudio(conn, audioMs, reply.sound ?? 'tone');
      const chunkBytes = Math.max(1, Math.round((audio.length * (reply.chunkMs ?? 100)) / Math.max(1, audioMs)));
      const chunks: Buffer[] = [];
      for (let i = 0; i < audio.length; i += chunkBytes) chunks.push(audio.subarray(i, i + chunkBytes));
      conn.audioItems.set(itemId, durationMs(audio.length, outputFormat(conn)));
      const item = { id: itemId, object: 'realtime.item', type: 'message', role: 'assistant', status: 'in_progress', content: [] };
      add({ type: 'response.output_item.added', output_index: 0, item });
      add({ type: 'response.content_part.added', item_id: itemId, output_index: 0, content_index: 0, part: { type: 'audio', transcript: '' } });
      const audioDelta = legacy ? 'response.audio.delta' : 'response.output_audio.delta';
      const textDelta = legacy ? 'response.audio_transcript.delta' : 'response.output_audio_transcript.delta';
      const where = { item_id: itemId, output_index: 0, content_index: 0 };
      let t = 0;
      for (let c = 0; c < Math.max(chunks.length, 1); c++) {
        while (t < transcript.length && Math.floor((t * Math.max(chunks.length, 1)) / transcript.length) <= c) add({ type: textDelta, ...where, delta: transcript[t++] });
        const chunk = chunks[c];
        if (chunk !== undefined) add({ type: audioDelta, ...where, delta: chunk.toString('base64') }, true);
      }
      add({ type: legacy ? 'response.audio.done' : 'response.output_audio.done', ...where });
      add({ type: legacy ? 'response.audio_transcript.done' : 'response.output_audio_transcript.done', ...where, transcript: transcript.join('') });
      const done = { ...item, status: 'completed', content: [{ type: 'output_audio', transcript: transcript.join('') }] };
      add({ type: 'response.output_item.done', output_index: 0, item: done });
      output.push(done);
    }
    if (call !== undefined) {
      const itemId = id('item');
      const callId = call.callId ?? id('call');
      conn.callIds.add(callId);
      const outputIndex = output.length;
      const item = { id: itemId, object: 'realtime.item', type: 'function_call', status: 'in_progress', call_id: callId, name: call.name, arguments: '' };
      add({ type: 'response.output_item.added', output_index: outputIndex, item });
      const half = Math.ceil(call.arguments.length / 2);
      for (const piece of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
        if (piece !== '') add({ type: 'response.function_call_arguments.delta', item_id: itemId, output_index: outputIndex, call_id: callId, delta: piece });
      }
      add({ type: 'response.function_call_arguments.done', item_id: itemId, output_index: outputIndex, call_id: callId, name: call.name, arguments: call.arguments });
      const done = { ...item, status: 'completed', arguments: call.arguments };
      add({ type: 'response.output_item.done', output_index: outputIndex, item: done });
      output.push(done);
    }

    const usage = reply.usage ?? replyUsage(audioMs, transcript.join('') + (call?.arguments ?? ''), conn.inputAudioMs);
    const finish = (status: 'completed' | 'cancelled'): void => {
      conn.active = undefined;
      emit(conn, { type: 'response.done', response: { id: responseId, object: 'realtime.response', status, output, usage } });
    };
    const active: ActiveResponse = {
      id: responseId,
      timer: undefined,
      cancel: () => {
        clearTimeout(active.timer);
        finish('cancelled');
      },
    };
    conn.active = active;
    emit(conn, { type: 'response.created', response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] } });
    let i = 0;
    const delay = reply.chunkDelayMs ?? 0;
    const run = (): void => {
      active.timer = undefined;
      while (i < steps.length) {
        const step = steps[i++]!;
        emit(conn, step.event);
        if (step.pause && delay > 0) {
          active.timer = setTimeout(run, delay);
          return;
        }
      }
      finish('completed');
    };
    run();
  };

  const onAudio = (conn: Conn, audio: Buffer): void => {
    receivedAudioBytes += audio.length;
    conn.bufferedBytes += audio.length;
    conn.inputAudioMs += durationMs(audio.length, inputFormat(conn));
    const td = conn.session.audio?.input?.turn_detection as { create_response?: boolean; interrupt_response?: boolean } | null | undefined;
    if (td === null || td === undefined) return;
    for (const transition of conn.vad.write(audio, inputFormat(conn))) {
      if (transition.kind === 'start') {
        conn.speechItemId = id('item');
        emit(conn, { type: 'input_audio_buffer.speech_started', audio_start_ms: transition.atMs, item_id: conn.speechItemId });
        if (td.interrupt_response !== false && conn.active !== undefined) conn.active.cancel();
      } else {
        const itemId = conn.speechItemId ?? id('item');
        emit(conn, { type: 'input_audio_buffer.speech_stopped', audio_end_ms: transition.atMs, item_id: itemId });
        emit(conn, { type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: null });
        if (conn.session.audio?.input?.transcription) {
          emit(conn, { type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript: inputTranscripts.shift() ?? 'hello' });
        }
        conn.bufferedBytes = 0;
        conn.speechItemId = undefined;
        if (td.create_response !== false) startResponse(conn);
      }
    }
  };

  const onEvent = (conn: Conn, e: RecordedRealtimeEvent): void => {
    switch (e.type) {
      case 'session.update': {
        const s = e.session as Record<string, any> | undefined;
        if (typeof s !== 'object' || s === null || s.type !== 'realtime') return error(conn, 'invalid_value', "session.type must be 'realtime'", e.event_id);
        const audio = {
          input: { ...conn.session.audio.input, ...s.audio?.input },
          output: { ...conn.session.audio.output, ...s.audio?.output },
        };
        conn.session = { ...conn.session, ...s, audio };
        return emit(conn, { type: 'session.updated', session: conn.session });
      }
      case 'input_audio_buffer.append':
        if (typeof e.audio !== 'string') return error(conn, 'invalid_value', 'audio must be base64', e.event_id);
        return onAudio(conn, Buffer.from(e.audio, 'base64'));
      case 'input_audio_buffer.commit': {
        if (conn.bufferedBytes === 0) return error(conn, 'input_audio_buffer_commit_empty', 'buffer is empty', e.event_id);
        conn.bufferedBytes = 0;
        return emit(conn, { type: 'input_audio_buffer.committed', item_id: id('item'), previous_item_id: null });
      }
      case 'input_audio_buffer.clear':
        conn.bufferedBytes = 0;
        return emit(conn, { type: 'input_audio_buffer.cleared' });
      case 'response.create':
        return startResponse(conn);
      case 'response.cancel':
        if (conn.active === undefined) return error(conn, 'response_cancel_not_active', 'no active response', e.event_id);
        return conn.active.cancel();
      case 'conversation.item.truncate': {
        const audioMs = conn.audioItems.get(String(e.item_id));
        if (audioMs === undefined) return error(conn, 'item_not_found', 'no assistant audio item with that id', e.event_id);
        if (typeof e.audio_end_ms !== 'number' || !Number.isInteger(e.audio_end_ms) || e.audio_end_ms < 0) return error(conn, 'invalid_value', 'audio_end_ms must be a non-negative integer', e.event_id);
        if (e.audio_end_ms > audioMs) return error(conn, 'invalid_value', 'audio_end_ms is greater than the audio duration', e.event_id);
        conn.audioItems.set(String(e.item_id), e.audio_end_ms);
        return emit(conn, { type: 'conversation.item.truncated', item_id: e.item_id, content_index: e.content_index ?? 0, audio_end_ms: e.audio_end_ms });
      }
      case 'conversation.item.create': {
        const item = e.item as Record<string, unknown> | undefined;
        if (typeof item !== 'object' || item === null) return error(conn, 'invalid_value', 'item is required', e.event_id);
        if (item.type === 'function_call_output' && (!conn.callIds.has(String(item.call_id)) || typeof item.output !== 'string')) {
          return error(conn, 'invalid_value', 'function_call_output needs a known call_id and a string output', e.event_id);
        }
        const added = { id: id('item'), object: 'realtime.item', status: 'completed', ...item };
        emit(conn, { type: 'conversation.item.added', previous_item_id: null, item: added });
        return emit(conn, { type: 'conversation.item.done', previous_item_id: null, item: added });
      }
      default:
        return error(conn, 'unknown_event', `unknown client event type ${e.type}`, e.event_id);
    }
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const server: Server = createServer((req, res) => {
    if (!answerModels(req, res, apiKey)) res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const headers = { ...req.headers };
    delete headers.authorization;
    const authorized = req.headers.authorization === `Bearer ${apiKey}`;
    upgrades.push({ path: url.pathname, model: url.searchParams.get('model'), headers, authorized });
    const refuse = (status: number, message: string): void => {
      const body = JSON.stringify({ error: { type: 'invalid_request_error', code: status === 401 ? 'invalid_api_key' : null, message } });
      socket.end(`HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    if (url.pathname !== '/v1/realtime') return refuse(404, 'unknown path');
    if (rejectStatus !== null) return refuse(rejectStatus, 'scripted refusal');
    if (holdUpgrades) {
      held.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => held.delete(socket));
      return;
    }
    if (!authorized) return refuse(401, `Incorrect API key provided: ${(req.headers.authorization ?? '').replace(/^Bearer /, '')}`);
    if (url.searchParams.get('model') === null) return refuse(400, 'model is required');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = {
        ws,
        session: { ...structuredClone(DEFAULT_SESSION), id: id('sess'), model: url.searchParams.get('model') },
        vad: new EnergyVad(options.vad),
        bufferedBytes: 0,
        inputAudioMs: 0,
        speechItemId: undefined,
        active: undefined,
        audioItems: new Map(),
        callIds: new Set(),
      };
      conns.add(conn);
      ws.on('error', () => {});
      ws.on('close', () => {
        clearTimeout(conn.active?.timer);
        conns.delete(conn);
      });
      ws.on('message', (data, isBinary) => {
        let e: unknown;
        try {
          e = isBinary ? undefined : JSON.parse(String(data));
        } catch {
          e = undefined;
        }
        if (typeof e !== 'object' || e === null || typeof (e as { type?: unknown }).type !== 'string') return error(conn, 'invalid_json', 'expected a JSON object with a type');
        events.push(e as RecordedRealtimeEvent);
        for (const w of [...watchers]) w();
        if (!ignored.has((e as RecordedRealtimeEvent).type)) onEvent(conn, e as RecordedRealtimeEvent);
      });
      emit(conn, { type: 'session.created', session: conn.session });
    });
  });
  const listener = await listenOnLoopback(server);

  return {
    url: `ws://127.0.0.1:${listener.port}/v1/realtime`,
    apiKey,
    events,
    upgrades,
    get receivedAudioBytes() {
      return receivedAudioBytes;
    },
    get openConnections() {
      return conns.size;
    },
    scriptResponse: (...r) => void replies.push(...r),
    scriptInputTranscript: (...t) => void inputTranscripts.push(...t),
    rejectUpgrades: (status) => {
      rejectStatus = status;
    },
    holdUpgrades: (on) => {
      holdUpgrades = on;
    },
    ignoreEvents: (...types) => {
      ignored = new Set(types);
    },
    sendEvent: (event) => {
      for (const conn of conns) emit(conn, event);
    },
    waitForEvent: (type, count = 1, timeoutMs = 5_000) =>
      new Promise<RecordedRealtimeEvent>((resolve, reject) => {
        const find = (): RecordedRealtimeEvent | undefined => events.filter((e) => e.type === type)[count - 1];
        const found = find();
        if (found !== undefined) return resolve(found);
        const check = (): void => {
          const hit = find();
          if (hit === undefined) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`stand-in: client event ${type} #${count} not seen within ${timeoutMs} ms`));
        }, timeoutMs);
        watchers.add(check);
      }),
    dropConnections: (code = 1011) => {
      for (const conn of conns) conn.ws.close(code, 'dropped by stand-in');
    },
    close() {
      if (closing === undefined) {
        for (const conn of conns) {
          clearTimeout(conn.active?.timer);
          conn.ws.terminate();
        }
        for (const socket of held) socket.destroy();
        wss.close();
        closing = listener.stop();
      }
      return closing;
    },
  };
}
