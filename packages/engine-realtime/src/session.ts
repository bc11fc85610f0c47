/**
 * One call of the `realtime` engine: the caller's audio is appended to an OpenAI Realtime session
 * whose server VAD takes the turns; the model's audio deltas go to the caller as they arrive.
 *
 * - Outbound: the model streams faster than real time; its audio is handed to the edge only a
 *   little ahead of playback ({@link AgentAudioFeed}), so the edge's bounded queue never drops it.
 * - Format: a μ-law (or A-law) 8 kHz call is passed through untouched (`audio/pcmu`, `audio/pcma`);
 *   any other call runs at PCM16 24 kHz, the edge resampling between it and the wire.
 * - Barge-in: at `input_audio_buffer.speech_started` while agent audio is pending, the provider's
 *   buffer is cleared and each assistant item not heard to its end is truncated to what the caller
 *   heard of it (`conversation.item.truncate {audio_end_ms}`, from the playback clock); the server
 *   cancels the response itself (`interrupt_response`). Late deltas of a cut response are dropped.
 * - Tools (`@vr3/tools`): `end_call` / `transfer_call` act once the response's audio (the goodbye)
 *   was heard: a playback mark after it, then `hangup` / `transfer`; an HTTP tool's answer goes
 *   back to the model (`function_call_output`, then a response).
 * - DTMF: each key press is a user line of the conversation (`dtmfText`), answered by the model.
 * - Run events: `transcript` (agent, per item once heard or cut; caller, when transcription is on),
 *   `tool_call`, the `first_audio_sent_ms` metric (speech stopped → first audio of the reply).
 */
import { EngineError, type AgentIO, type AgentSession, type EngineLogger, type SessionCloseInfo, type SessionContext } from '@vr3/agent';
import { renderTemplate } from '@vr3/engine-voice/template';
import type { MediaFormat } from '@vr3/protocol';
import { callHttpTool, dtmfText, parseArguments, toolAction, toolFunctions, type HttpTool } from '@vr3/tools';
import { VendorError, type OpenAiRealtimeSession, type RealtimeAudioFormat, type RealtimeErrorInfo, type RealtimeEvent, type RealtimeSessionConfig } from '@vr3/vendors';
import { BENIGN_REALTIME_ERRORS, errorEventFailure, realtimeFailure } from './errors.ts';
import { AgentAudioFeed, type AgentAudioFeedOptions } from './outbound.ts';
import { Playout } from './playout.ts';
import type { RealtimeRuntimeConfig } from './spec.ts';

/** PCM16 rate of a session that does not pass the call's audio through (the Realtime API's). */
export const REALTIME_SAMPLE_RATE = 24_000;

/** Caller audio kept while the vendor session opens (20 ms frames: 5 s); past it the oldest is dropped and counted. */
const MAX_EARLY_FRAMES = 250;
/** Responses whose late deltas are dropped after a barge-in, most recent ones. */
const MAX_CUT_RESPONSES = 16;

/** Playback mark after an item's audio: `onPlayed` says the caller heard all of it. */
const ITEM_MARK = 'realtime-item:';
/** Playback mark after the audio preceding `end_call` / `transfer_call`. */
const ACTION_MARK = 'realtime-action';

/** How a response that says a fixed text (the greeting, a tool's goodbye or announcement) is asked for. */
export const sayInstructions = (text: string): string => `Say exactly this to the caller, and nothing else: "${text}"`;
/** How last words are asked for when the model called `end_call` / `transfer_call` without a word and the tool has none configured. */
export const FAREWELL_INSTRUCTIONS = 'In one short sentence, tell the caller what happens next (goodbye, or that you are transferring them). Do not call any tool.';

/** The session format for a call in `caller`, and the matching Realtime audio format. */
export function realtimeFormatOf(caller: MediaFormat): { format: MediaFormat; wire: RealtimeAudioFormat } {
  if (caller.sampleRate === 8000 && caller.encoding === 'mulaw') return { format: { encoding: 'mulaw', sampleRate: 8000 }, wire: 'pcmu' };
  if (caller.sampleRate === 8000 && caller.encoding === 'alaw') return { format: { encoding: 'alaw', sampleRate: 8000 }, wire: 'pcma' };
  return { format: { encoding: 'pcm16le', sampleRate: REALTIME_SAMPLE_RATE }, wire: 'pcm16' };
}

/** What the session asks of the engine to open its vendor session. */
export interface RealtimeConnectRequest {
  signal: AbortSignal;
  onEvent: (event: RealtimeEvent) => void;
}

/** What a session is built from. */
export interface RealtimeSessionDeps {
  ctx: SessionContext<RealtimeRuntimeConfig>;
  /** Opens the vendor session (the engine's: the credential's endpoint and key). */
  connect: (request: RealtimeConnectRequest) => Promise<OpenAiRealtimeSession>;
  /** How far ahead of playback the model's audio is handed to the edge. */
  outbound?: AgentAudioFeedOptions | undefined;
  /** Monotonic clock in ms (tests inject one). */
  now?: () => number;
}

/** `end_call` / `transfer_call` in progress. */
interface PendingAction {
  kind: 'end_call' | 'transfer_call';
  target?: string | undefined;
  /** Said first when the model's reply had no audio (the tool's `goodbye` / `announcement`). */
  say?: string | undefined;
  /** The response whose audio must be heard first. */
  responseId: string;
  hadAudio: boolean;
  /** A farewell response was asked for (the call's response had no audio); its id follows. */
  farewellAsked: boolean;
  marked: boolean;
  done: boolean;
}

/** See the module comment. */
export class RealtimeSession implements AgentSession {
  readonly format: MediaFormat;
  readonly #wire: RealtimeAudioFormat;
  readonly #bytesPerMs: number;
  readonly #ctx: SessionContext<RealtimeRuntimeConfig>;
  readonly #config: RealtimeRuntimeConfig;
  readonly #connect: RealtimeSessionDeps['connect'];
  readonly #log: EngineLogger;
  readonly #now: () => number;
  readonly #playout = new Playout();
  readonly #cutResponses = new Set<string>();
  readonly #outbound: AgentAudioFeedOptions;
  #io: AgentIO | null = null;
  #feed: AgentAudioFeed | null = null;
  #session: OpenAiRealtimeSession | null = null;
  #early: Uint8Array[] = [];
  #closed = false;
  #failed = false;
  /** Inside `io.clear()`: item marks flushed by it are settled by the barge-in, not as played. */
  #clearing = false;
  #activeResponse: string | undefined;
  /** When the server VAD last said the caller stopped, until a response starts. */
  #speechStoppedAt: number | undefined;
  /** The response whose first audio closes the latency measure. */
  #latency: { responseId: string; since: number } | undefined;
  #action: PendingAction | undefined;
  /** A tool's output was given while a response was active: ask for the next one when it is done. */
  #respondWhenIdle = false;
  #maxDurationTimer: NodeJS.Timeout | undefined;

  constructor(deps: RealtimeSessionDeps) {
    this.#ctx = deps.ctx;
    this.#config = deps.ctx.config;
    this.#connect = deps.connect;
    this.#log = deps.ctx.logger;
    this.#now = deps.now ?? (() => performance.now());
    this.#outbound = deps.outbound ?? {};
    const { format, wire } = realtimeFormatOf(deps.ctx.call.callerFormat);
    this.format = format;
    this.#wire = wire;
    this.#bytesPerMs = wire === 'pcm16' ? (REALTIME_SAMPLE_RATE / 1000) * 2 : 8;
  }

  async start(io: AgentIO): Promise<void> {
    this.#io = io;
    this.#feed = new AgentAudioFeed(io, this.#bytesPerMs, this.#outbound);
    const maxS = this.#config.max_duration_s;
    if (maxS !== undefined) this.#maxDurationTimer = setTimeout(() => this.#io?.hangup('max_duration'), maxS * 1000);
    let session: OpenAiRealtimeSession;
    try {
      session = await this.#connect({ signal: this.#ctx.signal, onEvent: (e) => this.#onEvent(e) });
    } catch (err) {
      if (!this.#closed) this.#fail(err);
      return;
    }
    if (this.#closed) {
      void session.close();
      return;
    }
    this.#session = session;
    void session.closed.then((info) => {
      if (this.#closed || info.byClient) return;
      this.#fail(info.error ?? new VendorError('openai', 'vendor_closed', 'openai realtime closed by the vendor', { operation: 'realtime' }));
    });
    try {
      session.updateSession(this.#sessionConfig());
      const early = this.#early;
      this.#early = [];
      for (const audio of early) this.#append(audio);
      const greeting = this.#config.greeting === undefined ? '' : this.#render(this.#config.greeting, 'greeting').trim();
      if (greeting !== '') session.createResponse({ instructions: sayInstructions(greeting) });
      this.#log.debug({ format: this.#wire }, 'realtime session started');
    } catch (err) {
      this.#fail(err);
    }
  }

  onAudio(audio: Uint8Array): void {
    if (this.#closed || this.#failed || this.#action !== undefined) return;
    if (this.#session === null) {
      this.#early.push(audio.slice());
      if (this.#early.length > MAX_EARLY_FRAMES) {
        this.#early.shift();
        this.#io?.dropped(1);
      }
      return;
    }
    this.#append(audio);
  }

  /** A key press goes to the model as a line of the conversation, and the model answers it. */
  onDtmf(digit: string): void {
    const session = this.#session;
    if (this.#closed || this.#failed || this.#action !== undefined || session === null || !session.open) return;
    try {
      session.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: dtmfText(digit) }] } });
      if (this.#activeResponse === undefined) session.createResponse();
      else this.#respondWhenIdle = true;
    } catch (err) {
      this.#fail(err);
    }
  }

  onPlayed(mark: string): void {
    if (this.#closed) return;
    if (mark === ACTION_MARK) return this.#act();
    if (!mark.startsWith(ITEM_MARK) || this.#clearing) return;
    const item = this.#playout.get(mark.slice(ITEM_MARK.length));
    if (item === undefined) return;
    this.#playout.delete(item.itemId);
    this.#emitAgent(item.transcript.trim(), false);
  }

  async close(_info: SessionCloseInfo): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#maxDurationTimer);
    // What the caller heard of the last words still goes on the run.
    if (this.#io !== null && this.#playout.size > 0) this.#settle(this.#io.playback.heardMs());
    this.#feed?.close();
    this.#feed = null;
    this.#early = [];
    this.#cutResponses.clear();
    this.#io = null;
    const session = this.#session;
    this.#session = null;
    if (session !== null) await session.close();
  }

  #sessionConfig(): RealtimeSessionConfig {
    const c = this.#config;
    const tools = toolFunctions(c.tools);
    const prompt = this.#render(c.prompt, 'prompt');
    return {
      instructions: prompt,
      voice: c.llm.voice,
      inputFormat: this.#wire,
      outputFormat: this.#wire,
      turnDetection: {
        type: 'server_vad',
        threshold: c.vad?.threshold,
        prefixPaddingMs: c.vad?.prefix_padding_ms,
        silenceDurationMs: c.endpointing?.silence_ms,
        createResponse: true,
        interruptResponse: this.#interruptible,
      },
      inputTranscriptionModel: c.transcription?.model,
      inputTranscriptionLanguage: c.transcription === undefined ? undefined : c.language,
      tools: tools.length > 0 ? tools : undefined,
    };
  }

  get #interruptible(): boolean {
    return this.#config.interruption?.enabled !== false;
  }

  #render(template: string, what: 'prompt' | 'greeting'): string {
    const call = this.#ctx.call;
    const rendered = renderTemplate(template, { caller_number: call.from, called_number: call.to, ...call.initialContext });
    if (rendered.missing.length > 0) this.#log.warn({ missing: rendered.missing, field: what }, 'placeholders without a value');
    return rendered.text;
  }

  #append(audio: Uint8Array): void {
    if (!this.#session?.appendAudio(audio)) this.#io?.dropped(1);
  }

  #onEvent(e: RealtimeEvent): void {
    if (this.#closed || this.#failed) return;
    try {
      this.#handle(e);
    } catch (err) {
      this.#fail(err);
    }
  }

  #handle(e: RealtimeEvent): void {
    switch (e.type) {
      case 'speech_started':
        return this.#onSpeechStarted();
      case 'speech_stopped':
        this.#speechStoppedAt = this.#now();
        return;
      case 'response_created':
        return this.#onResponseCreated(e.responseId);
      case 'audio_delta':
        return this.#onAudioDelta(e);
      case 'transcript_delta':
        if (!this.#cutResponses.has(e.responseId)) this.#playout.item(e.itemId, e.responseId).transcript += e.text;
        return;
      case 'function_call':
        return this.#onFunctionCall(e);
      case 'response_done':
        return this.#onResponseDone(e);
      case 'error':
        return this.#onError(e.error);
      case 'other':
        return this.#onOther(e.event);
      case 'session_created':
      case 'session_updated':
      case 'item_truncated':
        return;
    }
  }

  #onResponseCreated(responseId: string): void {
    this.#activeResponse = responseId;
    if (this.#speechStoppedAt !== undefined) {
      this.#latency = { responseId, since: this.#speechStoppedAt };
      this.#speechStoppedAt = undefined;
    }
    const action = this.#action;
    if (action?.farewellAsked === true && action.responseId === '') action.responseId = responseId;
  }

  #onAudioDelta(e: Extract<RealtimeEvent, { type: 'audio_delta' }>): void {
    const feed = this.#feed;
    if (feed === null || this.#cutResponses.has(e.responseId)) return;
    // PCM16 in whole samples (the vendor sends whole samples; a stray byte is dropped).
    const audio = this.#wire === 'pcm16' && e.audio.length % 2 === 1 ? e.audio.subarray(0, e.audio.length - 1) : e.audio;
    if (audio.length === 0) return;
    const item = this.#playout.item(e.itemId, e.responseId);
    item.audioMs += audio.length / this.#bytesPerMs;
    feed.audio(item, audio);
    if (this.#action?.responseId === e.responseId) this.#action.hadAudio = true;
    if (this.#latency?.responseId === e.responseId) {
      this.#io?.emit({ type: 'metric', data: { name: 'first_audio_sent_ms', value: Math.round(this.#now() - this.#latency.since), unit: 'ms' } });
      this.#latency = undefined;
    }
  }

  /** The caller started speaking: cut the agent off if it was talking. */
  #onSpeechStarted(): void {
    this.#speechStoppedAt = undefined;
    const io = this.#io;
    const feed = this.#feed;
    if (io === null || feed === null || !this.#interruptible || this.#action !== undefined) return;
    if (io.playback.pendingMs() <= 0 && feed.queuedMs <= 0 && this.#activeResponse === undefined) return;
    feed.clear();
    this.#clearing = true;
    let heardMs: number;
    try {
      heardMs = io.clear().heardMs;
    } finally {
      this.#clearing = false;
    }
    this.#settle(heardMs, true);
  }

  /**
   * Settles every tracked item at `heardMs`: those heard to their end are agent transcript lines;
   * the others are cut to what was heard (and, on a barge-in, truncated at the vendor).
   */
  #settle(heardMs: number, truncate = false): void {
    const { played, cut } = this.#playout.cutAt(heardMs);
    for (const item of played) this.#emitAgent(item.transcript.trim(), false);
    for (const c of cut) {
      if (truncate) {
        this.#rememberCut(c.responseId);
        if (this.#session?.open === true) this.#session.truncate({ itemId: c.itemId, audioEndMs: c.audioEndMs });
        this.#log.debug({ item_id: c.itemId, audio_end_ms: c.audioEndMs }, 'agent item truncated at what was heard');
      }
      this.#emitAgent(c.heardText, true);
    }
  }

  #onFunctionCall(e: Extract<RealtimeEvent, { type: 'function_call' }>): void {
    const io = this.#io;
    const session = this.#session;
    if (io === null || session === null) return;
    const action = toolAction(this.#config.tools, e.name);
    if (action.kind === 'http' && this.#action === undefined) return this.#runHttpTool(action.tool, e);
    const args = parseArguments(e.arguments);
    if (action.kind === 'unknown' || action.kind === 'http' || this.#action !== undefined) {
      const error = action.kind === 'unknown' ? 'unknown tool' : 'the call is already ending';
      io.emit({ type: 'tool_call', data: { name: e.name, arguments: args, error } });
      // The model goes on after an unknown function; once the call is ending, nothing more is said.
      session.sendFunctionCallOutput(e.callId, JSON.stringify({ error }), { respond: action.kind === 'unknown' });
      return;
    }
    io.emit({ type: 'tool_call', data: { name: e.name, arguments: args, result: { ok: true } } });
    session.sendFunctionCallOutput(e.callId, JSON.stringify({ ok: true }), { respond: false });
    const hadAudio = this.#playout.ofResponse(e.responseId).some((i) => i.audioMs > 0);
    this.#action = {
      kind: action.kind,
      target: action.kind === 'transfer_call' ? action.target : undefined,
      say: action.say,
      responseId: e.responseId,
      hadAudio,
      farewellAsked: false,
      marked: false,
      done: false,
    };
    this.#log.info({ tool: e.name }, 'agent ends or transfers the call after its last words');
  }

  /** An HTTP tool: its answer (or failure) goes back to the model, which then speaks about it. */
  #runHttpTool(tool: HttpTool, e: Extract<RealtimeEvent, { type: 'function_call' }>): void {
    void callHttpTool(tool, e.arguments, { addressPolicy: this.#config.llm.address_policy, signal: this.#ctx.signal }).then((outcome) => {
      const session = this.#session;
      if (this.#closed || this.#failed || session === null || !session.open) return;
      const data = outcome.error === undefined ? { result: outcome.result } : { error: outcome.error };
      this.#io?.emit({ type: 'tool_call', data: { name: e.name, arguments: outcome.arguments, ...data } });
      const idle = this.#activeResponse === undefined;
      session.sendFunctionCallOutput(e.callId, outcome.content, { respond: idle });
      if (!idle) this.#respondWhenIdle = true;
    });
  }

  #onResponseDone(e: Extract<RealtimeEvent, { type: 'response_done' }>): void {
    if (this.#activeResponse === e.responseId) this.#activeResponse = undefined;
    if (this.#latency?.responseId === e.responseId) this.#latency = undefined;
    if (e.status === 'failed') return this.#fail(this.#responseFailure(e.response));
    const feed = this.#feed;
    if (feed === null) return;
    if (this.#respondWhenIdle && this.#activeResponse === undefined && this.#action === undefined && this.#session?.open === true) {
      this.#respondWhenIdle = false;
      this.#session.createResponse();
    }
    for (const item of this.#playout.ofResponse(e.responseId)) {
      item.complete = true;
      if (item.audioMs > 0) feed.mark(ITEM_MARK + item.itemId);
      else {
        this.#playout.delete(item.itemId);
        this.#emitAgent(item.transcript.trim(), false);
      }
    }
    const action = this.#action;
    if (action === undefined || action.marked || action.responseId !== e.responseId) return;
    if (!action.hadAudio && !action.farewellAsked && this.#session?.open === true) {
      action.farewellAsked = true;
      action.responseId = '';
      this.#session.createResponse({ instructions: action.say === undefined ? FAREWELL_INSTRUCTIONS : sayInstructions(action.say), tool_choice: 'none' });
      return;
    }
    action.marked = true;
    feed.mark(ACTION_MARK);
  }

  /** The goodbye was heard: hang up or transfer. */
  #act(): void {
    const action = this.#action;
    const io = this.#io;
    if (action === undefined || action.done || io === null) return;
    action.done = true;
    if (action.kind === 'end_call') io.hangup('end_call');
    else io.transfer(action.target!);
  }

  #onError(error: RealtimeErrorInfo): void {
    const code = error.code ?? error.type;
    if (BENIGN_REALTIME_ERRORS.has(code)) {
      this.#log.debug({ vendor_code: code }, 'realtime request refused (a race of the conversation)');
      return;
    }
    this.#fail(errorEventFailure('openai', error));
  }

  #onOther(event: { type: string } & Record<string, unknown>): void {
    if (event.type === 'conversation.item.input_audio_transcription.completed') {
      const text = typeof event.transcript === 'string' ? event.transcript.trim() : '';
      if (text !== '') this.#io?.emit({ type: 'transcript', data: { role: 'caller', text, final: true } });
    } else if (event.type === 'conversation.item.input_audio_transcription.failed') {
      const error = typeof event.error === 'object' && event.error !== null ? (event.error as { code?: unknown }) : {};
      this.#log.warn({ vendor_code: typeof error.code === 'string' ? error.code : undefined }, 'caller transcription failed');
    }
  }

  #responseFailure(response: Record<string, unknown>): VendorError {
    const details = typeof response.status_details === 'object' && response.status_details !== null ? (response.status_details as Record<string, unknown>) : {};
    const error = typeof details.error === 'object' && details.error !== null ? (details.error as Record<string, unknown>) : {};
    const code = typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : 'response_failed';
    return errorEventFailure('openai', { type: 'response_failed', code, message: typeof error.message === 'string' ? error.message : '' });
  }

  #emitAgent(text: string, interrupted: boolean): void {
    if (text === '' || this.#io === null) return;
    this.#io.emit({ type: 'transcript', data: { role: 'agent', text, final: true, ...(interrupted ? { interrupted: true } : {}) } });
  }

  #rememberCut(responseId: string): void {
    if (responseId === '') return;
    if (this.#cutResponses.size >= MAX_CUT_RESPONSES) this.#cutResponses.delete(this.#cutResponses.values().next().value!);
    this.#cutResponses.add(responseId);
  }

  #fail(err: unknown): void {
    const io = this.#io;
    // Once the call is over (its signal fired), an aborted connect or socket is no failure.
    if (io === null || this.#failed || this.#closed || this.#ctx.signal.aborted) return;
    this.#failed = true;
    const failure = err instanceof EngineError ? err : realtimeFailure(err);
    const cause = failure.cause instanceof VendorError ? failure.cause : undefined;
    const fields = { vendor: cause?.vendor, vendor_code: cause?.vendorCode ?? cause?.code, status: cause?.status ?? cause?.httpStatus };
    this.#log.warn({ err_code: failure.code, ...fields }, 'realtime session failed');
    // The run keeps why (our own message: vendor, code and status; never a key, URL or body).
    io.emit({ type: 'log', data: { level: 'error', message: failure.message, ...fields } });
    io.fail(failure);
  }
}
