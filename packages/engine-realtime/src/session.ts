/**
 * One call of the `realtime` engine: the caller's audio is appended to an OpenAI Realtime session
 * whose server VAD takes the turns; the model's audio deltas go to the caller as they arrive. This
 * class wires the call's parts to the vendor's events and to each other:
 *
 * - {@link AgentSpeech}: the model's audio fed a little ahead of playback, and what was heard of it.
 * - Format: a μ-law (or A-law) 8 kHz call is passed through untouched (`audio/pcmu`, `audio/pcma`);
 *   any other call runs at PCM16 24 kHz, the edge resampling between it and the wire.
 * - {@link BargeIn} decides a pause, cut or resume; a cut also cancels a response still streaming,
 *   whose late deltas are dropped ({@link ResponseBook}).
 * - {@link ReplyDeadline}: a `session.update` or `response.create` the vendor leaves unanswered past
 *   the reply deadline fails the call (`vendor_timeout`).
 * - {@link ToolCalls} and {@link CallEnding}: `end_call` / `transfer_call` act once the goodbye was
 *   heard; an HTTP tool's answer goes back to the model.
 * - DTMF: each key press is a user line of the conversation (`dtmfText`), answered by the model.
 * - {@link CallerSilence}: a reprompt, then a hang-up (`silence`) after the goodbye was heard.
 * - Run events: `transcript` ({@link CallTranscript}: agent, per item once heard or cut; caller, when
 *   transcription is on; a key press), `tool_call`, the `first_audio_sent_ms` metric (speech
 *   stopped → first audio of the reply), `log` (a failure; a silence reprompt or hang-up). At close
 *   the run gets `gathered_context.transcript` and `.usage`.
 */
import { EngineError, type AgentIO, type AgentSession, type EngineLogger, type SessionCloseInfo, type SessionContext, type Timers} from '@vr3/agent';
import type { MediaFormat } from '@vr3/protocol';
import { dtmfText } from '@vr3/tools';
import {
  OPENAI_REALTIME_DEFAULTS,
  VendorError,
  type OpenAiRealtimeSession,
  type RealtimeAudioFormat,
  type RealtimeErrorInfo,
  type RealtimeEvent,
  type RealtimeSessionConfig,
} from '@vr3/vendors';
import { AgentSpeech } from './agent-speech.ts';
import { BargeIn, type BargeInHost } from './barge-in.ts';
import { CallEnding } from './call-ending.ts';
import { CallerAudio } from './caller-audio.ts';
import { callerTranscriptionOf } from './caller-transcription.ts';
import { CallTranscript } from './call-transcript.ts';
import { ReplyDeadline } from './deadline.ts';
import { BENIGN_REALTIME_ERRORS, errorEventFailure, failureFields, realtimeFailure, realtimeTimeoutFailure, responseFailure } from './errors.ts';
import { REALTIME_SAMPLE_RATE, realtimeFormatOf } from './format.ts';
import { renderForCall, sayInstructions } from './instructions.ts';
import { INTERRUPTION_DEFAULTS, vendorSilenceOf } from './interruption.ts';
import { ACTION_MARK } from './item-marks.ts';
import type { AgentAudioFeedOptions } from './outbound.ts';
import { ResponseBook } from './responses.ts';
import { interruptionOf, sessionConfigOf, turnDetectionOf } from './session-config.ts';
import { CallerSilence, type CallerSilenceHost } from './silence.ts';
import type { RealtimeRuntimeConfig } from './spec.ts';
import { ToolCalls } from './tool-calls.ts';

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
  readonly #ctx: SessionContext<RealtimeRuntimeConfig>;
  readonly #config: RealtimeRuntimeConfig;
  readonly #connect: RealtimeSessionDeps['connect'];
  readonly #log: EngineLogger;
  readonly #now: () => number;
  readonly #responses = new ResponseBook();
  readonly #caller: CallerAudio;
  readonly #agent: AgentSpeech;
  #io: AgentIO | null = null;
  #session: OpenAiRealtimeSession | null = null;
  #closed = false;
  #failed = false;
  readonly #ending = new CallEnding();
  #maxDurationTimer: NodeJS.Timeout | undefined;
  readonly #deadline: ReplyDeadline;
  readonly #bargeIn: BargeIn;
  /** Between the server VAD's `speech_started` and `speech_stopped`. */
  #callerSpeaking = false;
  readonly #silence: CallerSilence;
  readonly #tools: ToolCalls;
  /** The conversation on the session clock and the token usage, set on the run at close. */
  readonly #transcript: CallTranscript;

  constructor(deps: RealtimeSessionDeps) {
    this.#ctx = deps.ctx;
    this.#config = deps.ctx.config;
    this.#connect = deps.connect;
    this.#log = deps.ctx.logger;
    this.#now = deps.now ?? (() => performance.now());
    this.#transcript = new CallTranscript(this.#now);
    const { format, wire } = realtimeFormatOf(deps.ctx.call.callerFormat);
    this.format = format;
    this.#wire = wire;
    const bytesPerMs = wire === 'pcm16' ? (REALTIME_SAMPLE_RATE / 1000) * 2 : 8;
    this.#caller = new CallerAudio({ bytesPerMs, transcript: this.#transcript, dropped: (frames) => this.#io?.dropped(frames) });
    this.#agent = new AgentSpeech({
      transcript: this.#transcript,
      log: this.#log,
      bytesPerMs,
      bytesPerSample: wire === 'pcm16' ? 2 : 1,
      outbound: { ...deps.outbound, now: this.#now },
      truncate: (cut) => {
        this.#responses.cut(cut.responseId);
        if (this.#session?.open === true) this.#session.truncate({ itemId: cut.itemId, audioEndMs: cut.audioEndMs });
      },
    });
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
    this.#tools = new ToolCalls({
      tools: this.#config.tools,
      addressPolicy: this.#config.llm.address_policy,
      signal: deps.ctx.signal,
      ending: this.#ending,
      silence: this.#silence,
      log: this.#log,
      host: {
        io: () => (this.#session === null ? null : this.#io),
        live: () => !this.#closed && !this.#failed && this.#session?.open === true,
        output: (callId, output) => this.#session?.sendFunctionCallOutput(callId, output, { respond: false }),
        respond: () => this.#createResponse(),
        respondWhenIdle: () => this.#respondWhenIdle(),
        hadAudio: (responseId) => this.#agent.hadAudio(responseId),
      },
    });
  }

  async start(io: AgentIO): Promise<void> {
    this.#io = io;
    this.#transcript.start(io);
    this.#agent.start(io);
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
      this.#updateSession(sessionConfigOf(this.#config, this.#wire, renderForCall(this.#config.prompt, this.#ctx.call, 'prompt', this.#log)));
      this.#caller.opened(session);
      const greeting = this.#config.greeting === undefined ? '' : renderForCall(this.#config.greeting, this.#ctx.call, 'greeting', this.#log).trim();
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
    this.#caller.write(audio);
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
      this.#respondWhenIdle();
    } catch (err) {
      this.#fail(err);
    }
  }

  onPlayed(mark: string): void {
    if (this.#closed) return;
    if (mark === ACTION_MARK) return this.#act();
    if (this.#agent.played(mark)) this.#silence.settled();
  }

  async close(_info: SessionCloseInfo): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#maxDurationTimer);
    this.#silence.stop();
    this.#bargeIn.close();
    this.#deadline.clear();
    // What the caller heard of the last words still goes on the run.
    this.#agent.settleAtClose();
    // The edge takes context updates until this close has settled.
    this.#transcript.close();
    this.#agent.close();
    this.#caller.close();
    this.#responses.clear();
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

  /** A response now when none is active, else once the active one is done. */
  #respondWhenIdle(): void {
    if (this.#responses.active === undefined) this.#createResponse();
    else this.#responses.owed = true;
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
        this.#responses.turnForgotten();
        this.#callerSpeaking = true;
        this.#silence.callerActive();
        this.#transcript.speechStarted(e.itemId, e.audioStartMs);
        return this.#bargeIn.speechStarted(e.audioStartMs);
      case 'speech_stopped':
        this.#responses.speechStopped(this.#now());
        this.#callerSpeaking = false;
        this.#transcript.speechStopped(e.itemId, e.audioEndMs);
        this.#bargeIn.speechStopped(e.audioEndMs);
        return this.#silence.settled();
      case 'response_created':
        return this.#onResponseCreated(e.responseId);
      case 'audio_delta':
        return this.#onAudioDelta(e);
      case 'transcript_delta':
        if (!this.#responses.isCut(e.responseId)) this.#agent.text(e.itemId, e.responseId, e.text);
        return;
      case 'function_call':
        return this.#tools.called(e);
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
    // The vendor answered a noise the agent resumed over: not a turn.
    if (this.#responses.created(responseId) === 'cancel') return this.#session?.cancelResponse(responseId);
    this.#bargeIn.responseStarted();
    this.#silence.agentSpeaking();
    this.#ending.created(responseId);
  }

  #onAudioDelta(e: Extract<RealtimeEvent, { type: 'audio_delta' }>): void {
    if (this.#responses.isCut(e.responseId) || !this.#agent.audio(e.itemId, e.responseId, e.audio)) return;
    this.#ending.audio(e.responseId);
    const latencyMs = this.#responses.audio(e.responseId, this.#now());
    if (latencyMs !== undefined) this.#io?.emit({ type: 'metric', data: { name: 'first_audio_sent_ms', value: Math.round(latencyMs), unit: 'ms' } });
  }

  /** What barge-in does to this call. */
  #bargeInHost(): BargeInHost {
    return {
      agentTalking: () => {
        const io = this.#io;
        if (io === null || !this.#agent.started || this.#session?.open !== true) return false;
        return io.playback.pendingMs() > 0 || this.#agent.queuedMs > 0 || this.#responses.active !== undefined;
      },
      ending: () => this.#ending.pending,
      pause: () => this.#agent.pause(),
      resume: () => this.#resumeAgent(),
      cut: (heardMs, cancel) => this.#cutAgent(heardMs, cancel),
      vendorAnswers: (on) => this.#updateSession({ turnDetection: turnDetectionOf(this.#config, on) }),
      vendorCaughtUp: () => this.#deadline.owed('session.updated') === 0,
      answer: () => this.#createResponse(),
      cancelNextResponse: () => this.#responses.cancelNext(),
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
        this.#responses.active !== undefined ||
        this.#deadline.owed('response.created') > 0 ||
        this.#responses.owed ||
        this.#tools.running > 0 ||
        this.#agent.paused,
      unheardMs: () => this.#agent.queuedMs + (this.#io?.playback.pendingMs() ?? 0),
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
    this.#responses.cancelNext(false);
    this.#createResponse({ instructions, ...extra });
  }

  /** A false interruption: the agent plays on from where it stopped. */
  #resumeAgent(): void {
    if (this.#closed || this.#failed) return;
    this.#responses.turnForgotten();
    this.#log.debug({}, 'caller speech too short to interrupt: agent resumed');
    this.#agent.resume();
  }

  /** The caller interrupted: cut every item at what was heard; stop the response still streaming when `cancel`. */
  #cutAgent(heardMs: number, cancel: boolean): void {
    const streaming = this.#responses.active;
    this.#agent.cut(heardMs);
    if (cancel && streaming !== undefined && this.#session?.open === true) {
      this.#responses.cut(streaming);
      this.#session.cancelResponse(streaming);
    }
  }

  #onResponseDone(e: Extract<RealtimeEvent, { type: 'response_done' }>): void {
    this.#transcript.usage(e.response.usage);
    this.#responses.done(e.responseId);
    if (e.status === 'failed') return this.#fail(responseFailure(this.#config.llm.vendor, e.response));
    if (!this.#agent.started) return;
    if (this.#responses.owed && this.#responses.active === undefined && !this.#ending.pending && this.#session?.open === true) {
      this.#responses.owed = false;
      this.#createResponse();
    }
    this.#agent.responseDone(e.responseId);
    if (!this.#ending.pending) return this.#silence.settled();
    const step = this.#ending.responseDone(e.responseId, this.#session?.open === true);
    if (step.kind === 'ask') this.#createResponse({ instructions: step.instructions, tool_choice: 'none' });
    else if (step.kind === 'mark') this.#agent.mark(ACTION_MARK);
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

  /** The caller's transcript goes on the run and may decide a barge-in. */
  #onOther(event: { type: string } & Record<string, unknown>): void {
    const heard = callerTranscriptionOf(event);
    if (heard === undefined) return;
    if (heard.ok) this.#transcript.callerSaid(heard.itemId, heard.text);
    else this.#log.warn({ vendor_code: heard.vendorCode }, 'caller transcription failed');
    this.#bargeIn.transcript(heard.ok ? heard.text : undefined);
  }

  #fail(err: unknown): void {
    const io = this.#io;
    // Once the call is over (its signal fired), an aborted connect or socket is no failure.
    if (io === null || this.#failed || this.#closed || this.#ctx.signal.aborted) return;
    this.#failed = true;
    this.#deadline.clear();
    this.#silence.stop();
    const failure = err instanceof EngineError ? err : realtimeFailure(err);
    const fields = failureFields(failure);
    this.#log.warn({ err_code: failure.code, ...fields }, 'realtime session failed');
    // The run keeps why (our own message: vendor, code and status; never a key, URL or body).
    io.emit({ type: 'log', data: { level: 'error', message: failure.message, ...fields } });
    io.fail(failure);
  }
}
