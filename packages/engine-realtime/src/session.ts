/**
 * One call of the `realtime` engine: the caller's audio is appended to an OpenAI Realtime session
 * whose server VAD takes the turns; the model's audio deltas go to the caller as they arrive.
 *
 * - Outbound: the model streams faster than real time; its audio is handed to the edge only a
 *   little ahead of playback ({@link AgentAudioFeed}), so the edge's bounded queue never drops it.
 * - Format: a μ-law (or A-law) 8 kHz call is passed through untouched (`audio/pcmu`, `audio/pcma`);
 *   any other call runs at PCM16 24 kHz, the edge resampling between it and the wire.
 * - Barge-in ({@link BargeIn} decides): a pause holds what the caller has not heard; a cut truncates
 *   each assistant item not heard to its end at what was heard (`conversation.item.truncate
 *   {audio_end_ms}`, from the playback clock) and cancels a response still streaming, whose late
 *   deltas are dropped; a resume plays the held audio on.
 * - Deadlines (`./deadline.ts`): a `session.update` or `response.create` the vendor leaves
 *   unanswered past the reply deadline fails the call (`vendor_timeout`).
 * - Tools (`@vr3/tools`): `end_call` / `transfer_call` act once the response's audio (the goodbye)
 *   was heard: a playback mark after it, then `hangup` / `transfer` ({@link CallEnding}); an HTTP tool's answer goes
 *   back to the model (`function_call_output`, then a response).
 * - DTMF: each key press is a user line of the conversation (`dtmfText`), answered by the model.
 * - Silence (`silence`, {@link CallerSilence}): once nobody has spoken for `reprompt_after_s` and
 *   the agent was heard to its end, the model is asked for a reprompt; after `hangup_after_s` of
 *   silence in all the call ends (`silence`), after the goodbye was heard as for `end_call`.
 * - Run events: `transcript` (agent, per item once heard or cut; caller, when transcription is on;
 *   a key press), each with `start_ms` / `end_ms` on the session clock and, for an agent item cut
 *   short, `reply` (all it was saying) beside `text` (what was heard); `tool_call`, the
 *   `first_audio_sent_ms` metric (speech stopped → first audio of the reply), `log` (a failure; a
 *   silence reprompt or hang-up).
 * - At close the run gets `gathered_context.transcript` (every line, bounded) and `.usage` (tokens
 *   of every response) ({@link RealtimeCallRecord}).
 */
import { EngineError, callVariables, renderTemplate, type AgentIO, type AgentSession, type EngineLogger, type SessionCloseInfo, type SessionContext, type Timers} from '@vr3/agent';
import type { MediaFormat } from '@vr3/protocol';
import { callHttpTool, dtmfText, parseArguments, toolAction, type HttpTool } from '@vr3/tools';
import {
  OPENAI_REALTIME_DEFAULTS,
  VendorError,
  type OpenAiRealtimeSession,
  type RealtimeAudioFormat,
  type RealtimeErrorInfo,
  type RealtimeEvent,
  type RealtimeSessionConfig,
} from '@vr3/vendors';
import { BargeIn, type BargeInHost } from './barge-in.ts';
import { CallEnding } from './call-ending.ts';
import { CallTranscript } from './call-transcript.ts';
import { ReplyDeadline } from './deadline.ts';
import { BENIGN_REALTIME_ERRORS, errorEventFailure, realtimeFailure, realtimeTimeoutFailure, responseFailure } from './errors.ts';
import { REALTIME_SAMPLE_RATE, realtimeFormatOf } from './format.ts';
import { sayInstructions } from './instructions.ts';
import { INTERRUPTION_DEFAULTS, vendorSilenceOf } from './interruption.ts';
import { AgentAudioFeed, type AgentAudioFeedOptions } from './outbound.ts';
import { Playout } from './playout.ts';
import { interruptionOf, sessionConfigOf, turnDetectionOf } from './session-config.ts';
import { CallerSilence, type CallerSilenceHost } from './silence.ts';
import type { RealtimeRuntimeConfig } from './spec.ts';

/** Caller audio kept while the vendor session opens (20 ms frames: 5 s); past it the oldest is dropped and counted. */
const MAX_EARLY_FRAMES = 250;
/** Responses whose late deltas are dropped after a barge-in, most recent ones. */
const MAX_CUT_RESPONSES = 16;

/** Playback mark after an item's audio (`realtime-item:<generation>:<item_id>`): `onPlayed` says the caller heard all of it. */
const ITEM_MARK = 'realtime-item:';
/** Playback mark after the last words (`end_call`, `transfer_call`, a silence hang-up). */
const ACTION_MARK = 'realtime-action';

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
  /** How long a `session.update` / `response.create` may stay unanswered (default: the client's handshake timeout, 10 s). */
  replyTimeoutMs?: number | undefined;
  /** Monotonic clock in ms (tests inject one). */
  now?: () => number;
  /** Timers of the silence clocks (tests inject fakes). */
  timers?: Timers | undefined;
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
  readonly #ending = new CallEnding();
  /** A tool's output was given while a response was active: ask for the next one when it is done. */
  #respondWhenIdle = false;
  #maxDurationTimer: NodeJS.Timeout | undefined;
  readonly #deadline: ReplyDeadline;
  readonly #bargeIn: BargeIn;
  /** Item marks carry it; a pause renews it, so marks the provider reports as cleared are told apart from those sent again. */
  #markGeneration = 0;
  /** After a noise, the vendor may answer it on its own (it ended before `create_response: false` took effect): that response is cancelled. */
  #cancelNextResponse = false;
  /** Between the server VAD's `speech_started` and `speech_stopped`. */
  #callerSpeaking = false;
  /** HTTP tools awaiting their answer. */
  #toolsRunning = 0;
  readonly #silence: CallerSilence;
  /** The conversation on the session clock and the token usage, set on the run at close. */
  readonly #transcript: CallTranscript;
  /** When barge-in last paused the agent (session ms): an interruption's moment. */
  #pausedAt: number | undefined;

  constructor(deps: RealtimeSessionDeps) {
    this.#ctx = deps.ctx;
    this.#config = deps.ctx.config;
    this.#connect = deps.connect;
    this.#log = deps.ctx.logger;
    this.#now = deps.now ?? (() => performance.now());
    this.#transcript = new CallTranscript(this.#now);
    this.#outbound = deps.outbound ?? {};
    const { format, wire } = realtimeFormatOf(deps.ctx.call.callerFormat);
    this.format = format;
    this.#wire = wire;
    this.#bytesPerMs = wire === 'pcm16' ? (REALTIME_SAMPLE_RATE / 1000) * 2 : 8;
    this.#bargeIn = new BargeIn(this.#bargeInHost(), {
      ...interruptionOf(this.#config),
      transcribed: this.#config.transcription !== undefined,
      now: this.#now,
    });
    // The vendor's `session.updated` says what silence ends the caller's speech; until then, the configured one.
    this.#bargeIn.vendorSilenceMs = this.#config.endpointing?.silence_ms ?? INTERRUPTION_DEFAULTS.vendorSilenceMs;
    const replyTimeoutMs = deps.replyTimeoutMs ?? OPENAI_REALTIME_DEFAULTS.handshakeTimeoutMs;
    this.#deadline = new ReplyDeadline(replyTimeoutMs, (awaited) => this.#fail(realtimeTimeoutFailure(this.#config.llm.vendor, awaited, replyTimeoutMs)));
    this.#silence = new CallerSilence(this.#config.silence, this.#silenceHost(), { timers: deps.timers, now: this.#now });
  }

  async start(io: AgentIO): Promise<void> {
    this.#io = io;
    this.#transcript.start(io);
    this.#feed = new AgentAudioFeed(io, this.#bytesPerMs, { ...this.#outbound, now: this.#now }, this.#wire === 'pcm16' ? 2 : 1);
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
      this.#updateSession(sessionConfigOf(this.#config, this.#wire, this.#render(this.#config.prompt, 'prompt')));
      const early = this.#early;
      this.#early = [];
      for (const audio of early) this.#append(audio);
      const greeting = this.#config.greeting === undefined ? '' : this.#render(this.#config.greeting, 'greeting').trim();
      if (greeting !== '') this.#createResponse({ instructions: sayInstructions(greeting) });
      // Without a greeting the caller is expected to speak first: the silence clocks run from the start.
      this.#silence.settled();
      this.#log.debug({ format: this.#wire }, 'realtime session started');
    } catch (err) {
      this.#fail(err);
    }
  }

  onAudio(audio: Uint8Array): void {
    if (this.#closed || this.#failed || this.#ending.pending) return;
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
    if (this.#closed || this.#failed || this.#ending.pending || session === null || !session.open) return;
    const text = dtmfText(digit);
    this.#silence.callerActive();
    // On the run as the caller's line, as the model reads it.
    this.#transcript.keyPressed(text);
    try {
      session.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
      if (this.#activeResponse === undefined) this.#createResponse();
      else this.#respondWhenIdle = true;
    } catch (err) {
      this.#fail(err);
    }
  }

  onPlayed(mark: string): void {
    if (this.#closed) return;
    if (mark === ACTION_MARK) return this.#act();
    if (!mark.startsWith(ITEM_MARK) || this.#clearing) return;
    const rest = mark.slice(ITEM_MARK.length);
    const colon = rest.indexOf(':');
    // A mark of an earlier generation was cleared by a pause (and sent again, renamed).
    if (colon < 0 || rest.slice(0, colon) !== String(this.#markGeneration)) return;
    const item = this.#playout.get(rest.slice(colon + 1));
    if (item === undefined) return;
    this.#playout.delete(item.itemId);
    this.#transcript.played(item, this.#io?.playback.heardMs() ?? 0, this.#transcript.sessionMs());
    this.#silence.settled();
  }

  async close(_info: SessionCloseInfo): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#maxDurationTimer);
    this.#silence.stop();
    this.#bargeIn.close();
    this.#deadline.clear();
    // What the caller heard of the last words still goes on the run.
    if (this.#io !== null && this.#playout.size > 0) this.#settle(this.#io.playback.heardMs(), this.#transcript.sessionMs());
    // The edge takes context updates until this close has settled.
    this.#transcript.close();
    this.#feed?.close();
    this.#feed = null;
    this.#early = [];
    this.#cutResponses.clear();
    this.#io = null;
    const session = this.#session;
    this.#session = null;
    if (session !== null) await session.close();
  }

  /** `session.update`, owed a `session.updated`. */
  #updateSession(config: RealtimeSessionConfig): void {
    this.#session?.updateSession(config);
    this.#deadline.expect('session.updated');
  }

  /** `response.create`, owed a `response.created`. */
  #createResponse(response?: Record<string, unknown>): void {
    this.#session?.createResponse(response);
    this.#deadline.expect('response.created');
  }

  /** A function's output; then, when `respond`, a response about it. */
  #sendOutput(callId: string, output: string, respond: boolean): void {
    this.#session?.sendFunctionCallOutput(callId, output, { respond: false });
    if (respond) this.#createResponse();
  }

  #render(template: string, what: 'prompt' | 'greeting'): string {
    const call = this.#ctx.call;
    const rendered = renderTemplate(template, callVariables(call));
    if (rendered.missing.length > 0) this.#log.warn({ missing: rendered.missing, field: what }, 'placeholders without a value');
    return rendered.text;
  }

  #append(audio: Uint8Array): void {
    if (this.#session?.appendAudio(audio) === true) this.#transcript.callerAudio(audio.length / this.#bytesPerMs);
    else this.#io?.dropped(1);
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
        this.#speechStoppedAt = undefined;
        this.#callerSpeaking = true;
        this.#silence.callerActive();
        this.#transcript.speechStarted(e.itemId, e.audioStartMs);
        return this.#bargeIn.speechStarted(e.audioStartMs);
      case 'speech_stopped':
        this.#speechStoppedAt = this.#now();
        this.#callerSpeaking = false;
        this.#transcript.speechStopped(e.itemId, e.audioEndMs);
        this.#bargeIn.speechStopped(e.audioEndMs);
        return this.#silence.settled();
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
      case 'session_updated':
        this.#bargeIn.vendorSilenceMs = vendorSilenceOf(e.session) ?? this.#bargeIn.vendorSilenceMs;
        return this.#deadline.answered('session.updated');
      case 'session_created':
      case 'item_truncated':
        return;
    }
  }

  #onResponseCreated(responseId: string): void {
    this.#deadline.answered('response.created');
    if (this.#cancelNextResponse) {
      // The vendor answered a noise the agent resumed over: not a turn.
      this.#cancelNextResponse = false;
      this.#speechStoppedAt = undefined;
      this.#rememberCut(responseId);
      this.#session?.cancelResponse(responseId);
      return;
    }
    this.#bargeIn.responseStarted();
    this.#silence.agentSpeaking();
    this.#activeResponse = responseId;
    if (this.#speechStoppedAt !== undefined) {
      this.#latency = { responseId, since: this.#speechStoppedAt };
      this.#speechStoppedAt = undefined;
    }
    this.#ending.created(responseId);
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
    this.#ending.audio(e.responseId);
    if (this.#latency?.responseId === e.responseId) {
      this.#io?.emit({ type: 'metric', data: { name: 'first_audio_sent_ms', value: Math.round(this.#now() - this.#latency.since), unit: 'ms' } });
      this.#latency = undefined;
    }
  }

  /** What barge-in does to this call. */
  #bargeInHost(): BargeInHost {
    return {
      agentTalking: () => {
        const io = this.#io;
        const feed = this.#feed;
        if (io === null || feed === null || this.#session?.open !== true) return false;
        return io.playback.pendingMs() > 0 || feed.queuedMs > 0 || this.#activeResponse !== undefined;
      },
      ending: () => this.#ending.pending,
      pause: () => this.#pauseAgent(),
      resume: () => this.#resumeAgent(),
      cut: (heardMs, cancel) => this.#cutAgent(heardMs, cancel),
      vendorAnswers: (on) => this.#updateSession({ turnDetection: turnDetectionOf(this.#config, on) }),
      vendorCaughtUp: () => this.#deadline.owed('session.updated') === 0,
      answer: () => this.#createResponse(),
      cancelNextResponse: () => {
        this.#cancelNextResponse = true;
      },
    };
  }

  /** What the silence clocks read of this call and do to it. */
  #silenceHost(): CallerSilenceHost {
    return {
      busy: () =>
        this.#closed ||
        this.#failed ||
        this.#ending.pending ||
        this.#session?.open !== true ||
        this.#callerSpeaking ||
        this.#activeResponse !== undefined ||
        this.#deadline.owed('response.created') > 0 ||
        this.#respondWhenIdle ||
        this.#toolsRunning > 0 ||
        this.#feed?.paused === true,
      unheardMs: () => (this.#feed?.queuedMs ?? 0) + (this.#io?.playback.pendingMs() ?? 0),
      reprompt: (instructions) => this.#askInSilence(instructions),
      hangup: (goodbye) => this.#hangUpForSilence(goodbye),
      emit: (event) => this.#io?.emit(event),
      log: this.#log,
    };
  }

  /** Silence: the call ends, after the goodbye (a response asked to say it) was heard when there is one. */
  #hangUpForSilence(goodbye: string | undefined): void {
    const asking = goodbye !== undefined && this.#session?.open === true;
    if (!this.#ending.bySilence(asking)) return;
    if (asking) this.#askInSilence(goodbye, { tool_choice: 'none' });
    else this.#act();
  }

  /**
   * A response asked for in the silence (a reprompt, the goodbye). Any reply the vendor owed a
   * noise came long before: this one is never taken for it.
   */
  #askInSilence(instructions: string, extra: Record<string, unknown> = {}): void {
    this.#cancelNextResponse = false;
    this.#createResponse({ instructions, ...extra });
  }

  /** Barge-in's pause: the provider drops what it buffered; what was not heard is held for a resume. */
  #pauseAgent(): number {
    const heardMs = this.#clearProvider();
    const at = this.#transcript.sessionMs();
    this.#pausedAt = at;
    const generation = ++this.#markGeneration;
    this.#feed?.pause(heardMs, (name) => (name.startsWith(ITEM_MARK) ? `${ITEM_MARK}${generation}${name.slice(name.indexOf(':', ITEM_MARK.length))}` : name));
    for (const item of this.#playout.playedAt(heardMs)) this.#transcript.played(item, heardMs, at);
    return heardMs;
  }

  /** A false interruption: the agent plays on from where it stopped. */
  #resumeAgent(): void {
    if (this.#closed || this.#failed) return;
    this.#speechStoppedAt = undefined;
    this.#pausedAt = undefined;
    this.#log.debug({}, 'caller speech too short to interrupt: agent resumed');
    this.#feed?.resume();
  }

  /** The caller interrupted: cut every item at what was heard; stop the response still streaming when `cancel`. */
  #cutAgent(heardMs: number, cancel: boolean): void {
    this.#feed?.clear();
    const streaming = this.#activeResponse;
    // The caller stopped hearing the agent at the pause (barge-in pauses before it cuts).
    const at = this.#pausedAt ?? this.#transcript.sessionMs();
    this.#pausedAt = undefined;
    this.#settle(heardMs, at, true);
    if (cancel && streaming !== undefined && this.#session?.open === true) {
      this.#rememberCut(streaming);
      this.#session.cancelResponse(streaming);
    }
  }

  /** Tells the provider to drop the agent audio it holds; returns the playback position heard. */
  #clearProvider(): number {
    this.#clearing = true;
    try {
      return this.#io!.clear().heardMs;
    } finally {
      this.#clearing = false;
    }
  }

  /**
   * Settles every tracked item at `heardMs` (the playback position at `at`, session ms): those
   * heard to their end are agent transcript lines; the others are cut to what was heard (and, on a
   * barge-in, truncated at the vendor).
   */
  #settle(heardMs: number, at: number, truncate = false): void {
    const { played, cut } = this.#playout.cutAt(heardMs);
    for (const item of played) this.#transcript.played(item, heardMs, at);
    for (const c of cut) {
      if (truncate) {
        this.#rememberCut(c.responseId);
        if (this.#session?.open === true) this.#session.truncate({ itemId: c.itemId, audioEndMs: c.audioEndMs });
        this.#log.debug({ item_id: c.itemId, audio_end_ms: c.audioEndMs }, 'agent item truncated at what was heard');
      }
      this.#transcript.agent(c.heardText, c.sentAt, at, c.fullText);
    }
  }

  #onFunctionCall(e: Extract<RealtimeEvent, { type: 'function_call' }>): void {
    const io = this.#io;
    if (io === null || this.#session === null) return;
    const action = toolAction(this.#config.tools, e.name);
    if (action.kind === 'http' && !this.#ending.pending) return this.#runHttpTool(action.tool, e);
    const args = parseArguments(e.arguments);
    if (action.kind === 'unknown' || action.kind === 'http' || this.#ending.pending) {
      const error = action.kind === 'unknown' ? 'unknown tool' : 'the call is already ending';
      io.emit({ type: 'tool_call', data: { name: e.name, arguments: args, error } });
      // The model goes on after an unknown function; once the call is ending, nothing more is said.
      this.#sendOutput(e.callId, JSON.stringify({ error }), action.kind === 'unknown');
      return;
    }
    io.emit({ type: 'tool_call', data: { name: e.name, arguments: args, result: { ok: true } } });
    this.#sendOutput(e.callId, JSON.stringify({ ok: true }), false);
    const hadAudio = this.#playout.ofResponse(e.responseId).some((i) => i.audioMs > 0);
    this.#ending.byTool(action.kind, e.responseId, hadAudio, { target: action.kind === 'transfer_call' ? action.target : undefined, say: action.say });
    this.#silence.stop();
    this.#log.info({ tool: e.name }, 'agent ends or transfers the call after its last words');
  }

  /** An HTTP tool: its answer (or failure) goes back to the model, which then speaks about it. */
  #runHttpTool(tool: HttpTool, e: Extract<RealtimeEvent, { type: 'function_call' }>): void {
    this.#toolsRunning++;
    void callHttpTool(tool, e.arguments, { addressPolicy: this.#config.llm.address_policy, signal: this.#ctx.signal }).then((outcome) => {
      this.#toolsRunning--;
      const session = this.#session;
      if (this.#closed || this.#failed || session === null || !session.open) return;
      const data = outcome.error === undefined ? { result: outcome.result } : { error: outcome.error };
      this.#io?.emit({ type: 'tool_call', data: { name: e.name, arguments: outcome.arguments, ...data } });
      const idle = this.#activeResponse === undefined;
      this.#sendOutput(e.callId, outcome.content, idle);
      if (!idle) this.#respondWhenIdle = true;
      this.#silence.settled();
    });
  }

  #onResponseDone(e: Extract<RealtimeEvent, { type: 'response_done' }>): void {
    this.#transcript.usage(e.response.usage);
    if (this.#activeResponse === e.responseId) this.#activeResponse = undefined;
    if (this.#latency?.responseId === e.responseId) this.#latency = undefined;
    if (e.status === 'failed') return this.#fail(responseFailure(this.#config.llm.vendor, e.response));
    const feed = this.#feed;
    if (feed === null) return;
    if (this.#respondWhenIdle && this.#activeResponse === undefined && !this.#ending.pending && this.#session?.open === true) {
      this.#respondWhenIdle = false;
      this.#createResponse();
    }
    for (const item of this.#playout.ofResponse(e.responseId)) {
      item.complete = true;
      if (item.audioMs > 0) feed.mark(`${ITEM_MARK}${this.#markGeneration}:${item.itemId}`);
      else {
        this.#playout.delete(item.itemId);
        this.#transcript.agent(item.transcript.trim(), undefined, this.#transcript.sessionMs());
      }
    }
    if (!this.#ending.pending) return this.#silence.settled();
    const step = this.#ending.responseDone(e.responseId, this.#session?.open === true);
    if (step.kind === 'ask') this.#createResponse({ instructions: step.instructions, tool_choice: 'none' });
    else if (step.kind === 'mark') feed.mark(ACTION_MARK);
  }

  /** The last words were heard: hang up or transfer. */
  #act(): void {
    if (this.#io !== null) this.#ending.act(this.#io);
  }

  #onError(error: RealtimeErrorInfo): void {
    const code = error.code ?? error.type;
    if (code === 'conversation_already_has_active_response') this.#deadline.answered('response.created');
    if (BENIGN_REALTIME_ERRORS.has(code)) {
      this.#log.debug({ vendor_code: code }, 'realtime request refused (a race of the conversation)');
      return;
    }
    this.#fail(errorEventFailure('openai', error));
  }

  #onOther(event: { type: string } & Record<string, unknown>): void {
    if (event.type === 'conversation.item.input_audio_transcription.completed') {
      const text = typeof event.transcript === 'string' ? event.transcript.trim() : '';
      this.#transcript.callerSaid(typeof event.item_id === 'string' ? event.item_id : '', text);
      this.#bargeIn.transcript(text);
    } else if (event.type === 'conversation.item.input_audio_transcription.failed') {
      const error = typeof event.error === 'object' && event.error !== null ? (event.error as { code?: unknown }) : {};
      this.#log.warn({ vendor_code: typeof error.code === 'string' ? error.code : undefined }, 'caller transcription failed');
      this.#bargeIn.transcript(undefined);
    }
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
    this.#deadline.clear();
    this.#silence.stop();
    const failure = err instanceof EngineError ? err : realtimeFailure(err);
    const cause = failure.cause instanceof VendorError ? failure.cause : undefined;
    const fields = { vendor: cause?.vendor, vendor_code: cause?.vendorCode ?? cause?.code, status: cause?.status ?? cause?.httpStatus };
    this.#log.warn({ err_code: failure.code, ...fields }, 'realtime session failed');
    // The run keeps why (our own message: vendor, code and status; never a key, URL or body).
    io.emit({ type: 'log', data: { level: 'error', message: failure.message, ...fields } });
    io.fail(failure);
  }
}
