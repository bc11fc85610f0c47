/**
 * One call of the `voice` engine: the caller's audio goes through the VAD and to STT
 * ({@link Transcriber}: VAD-cut utterances transcribed, or streamed to Deepgram), each utterance's
 * words and the conversation to the LLM ({@link streamReply}: streamed, tool rounds), each
 * sentence of the reply to TTS and back to the caller ({@link AgentSpeech} through the
 * {@link TurnPlayout}). Turns run one after the other. Barge-in (`interruption`): the caller
 * speaking over the agent pauses its audio at once, and an interruption (speech lasting
 * `min_duration_ms`) aborts the turn and keeps in the conversation only what the caller heard
 * (`heardText` over the turn's spoken segments, with the TTS's timings when it gives them); see
 * {@link InterruptionDetector}.
 *
 * Tools (`@vr3/tools`): the model is offered the agent's functions. `end_call` / `transfer_call`
 * act once the turn's last words (the reply, else the tool's `goodbye` / `announcement`, else a
 * short default) have been heard: the end mark of the turn's audio, then `hangup` / `transfer`
 * ({@link CallEnding}). An HTTP tool's answer (or failure) goes back to the model, which is asked
 * again within the same turn. Each call is a `tool_call` run event. Key presses reach the model as
 * a user line ({@link dtmfText}), several keys together ({@link VOICE_DEFAULTS.dtmfDebounceMs}
 * after the last, or at once on `#`). Caller silence after the agent was heard to its end
 * re-prompts and hangs up ({@link SilenceWatch}). A failing LLM is apologized for before the call
 * fails. Each transcript line has its span on the session's clock (caller: {@link CallerSpeech}).
 * At close the run gets `gathered_context.usage` and `.transcript` ({@link CallRecord}).
 */
import { callVariables, fittedLine, renderTemplate, SilenceWatch, type AgentIO, type AgentSession, type EngineLogger, type SessionCloseInfo, type SessionContext, type Timers, type TranscriptEntry } from '@vr3/agent';
import { pcm16leToInt16 } from '@vr3/codec';
import type { MediaFormat } from '@vr3/protocol';
import type { Vad, VadEvent, VadRuntime } from '@vr3/vad';
import { dtmfText } from '@vr3/tools';
import type { ChatMessage, ChatToolCall, OpenAiCompatibleClient } from '@vr3/vendors';
import { AgentSpeech } from './agent-speech.ts';
import type { AgentTurn } from './agent-turn.ts';
import type { BargeInAction } from './barge-in.ts';
import { CallEnding } from './call-ending.ts';
import { CallRecord } from './call-record.ts';
import { CallerSpeech, type TurnSpan } from './caller-speech.ts';
import type { StreamingDeadlines } from './clients.ts';
import { DtmfCollector } from './dtmf.ts';
import { vendorFailure } from './errors.ts';
import type { SpokenSegment } from './heard-text.ts';
import type { InterruptionDetector } from './interruptions.ts';
import { interruptionDetectorFor } from './interruption-options.ts';
import { TurnPlayout } from './playout.ts';
import { streamReply, type ReplyDeps } from './reply.ts';
import { VOICE_DEFAULTS, type VoiceRuntimeConfig } from './spec.ts';
import { createTranscriber, endpointingSilenceMs, type Transcriber, type UtteranceText } from './stt.ts';
import { runToolCalls, type ToolRound } from './tool-calls.ts';
import { createSpeaker, type Speaker } from './tts.ts';
import { emitLatency, type TurnClock } from './turn-clock.ts';
import { ApologizeAndFail, Stopped } from './turn-signals.ts';

/** PCM16 rate the session works at: STT gets 16 kHz audio, TTS gives it (or is resampled to it), the VAD runs natively at it. */
export const VOICE_SAMPLE_RATE = 16_000;

/**
 * The OpenAI-compatible clients of one session: the LLM's, and STT's / TTS's when their vendor is
 * `openai` (default: one on the section's credential). Streaming vendors connect per call.
 */
export interface VoiceClients {
  stt?: OpenAiCompatibleClient | undefined;
  llm: OpenAiCompatibleClient;
  tts?: OpenAiCompatibleClient | undefined;
}

/** What a session is built from. */
export interface VoiceSessionDeps {
  ctx: SessionContext<VoiceRuntimeConfig>;
  clients: VoiceClients;
  /** Makes the call's VAD stream (the shared runtime). */
  vad: Pick<VadRuntime, 'createVad'>;
  /** Monotonic clock in ms (tests inject one). */
  now?: () => number;
  /** Timers of the silence watch (tests inject fakes). */
  timers?: Timers | undefined;
  /** Deadlines of the streaming vendors' sockets (Deepgram, ElevenLabs, Cartesia); their defaults otherwise. */
  streaming?: StreamingDeadlines | undefined;
}

/** Most keys sent to the model together. */
const MAX_DTMF_DIGITS = 32;

/** See the module comment. */
export class VoiceSession implements AgentSession {
  readonly format: MediaFormat = { encoding: 'pcm16le', sampleRate: VOICE_SAMPLE_RATE };
  readonly #config: VoiceRuntimeConfig;
  readonly #ctx: SessionContext<VoiceRuntimeConfig>;
  readonly #clients: VoiceClients;
  readonly #vadRuntime: Pick<VadRuntime, 'createVad'>;
  readonly #log: EngineLogger;
  readonly #now: () => number;
  readonly #stt: Transcriber;
  readonly #tts: Speaker;
  /** Usage counters and the conversation, set on the run at close. */
  readonly #record = new CallRecord();
  /** Caller audio given to the VAD so far, in samples. */
  #samples = 0;
  /** When the session started (the clock of `now`): transcript times count from it. */
  #startedAt = 0;
  /** The caller's speech since their last turn, for its transcript times. */
  readonly #callerSpeech = new CallerSpeech();
  /** When the first key of the keys being gathered was pressed (session ms). */
  #dtmfFrom: number | undefined;
  readonly #history: ChatMessage[] = [];
  #io: AgentIO | null = null;
  #vad: Vad | null = null;
  /** Caller audio that arrived while the VAD was being created (bounded by the cutter's window). */
  #early: Int16Array[] = [];
  /** Turns run one at a time, in order. */
  #turns: Promise<void> = Promise.resolve();
  #playout: TurnPlayout | null = null;
  /** The agent's turns (set by `start`). */
  #speech: AgentSpeech | null = null;
  readonly #replyDeps: ReplyDeps;
  #interruptions: InterruptionDetector | null = null;
  #closed = false;
  /** Ends the call at `max_duration_s`. */
  #maxDurationTimer: NodeJS.Timeout | undefined;
  /** Re-prompts and hangs up on caller silence (`silence`); null when not configured. */
  #silence: SilenceWatch | null = null;
  readonly #timers: Timers | undefined;
  /** Gathers key presses into one message. */
  readonly #dtmf = new DtmfCollector((digits) => this.#sendDtmf(digits), { debounceMs: VOICE_DEFAULTS.dtmfDebounceMs, maxDigits: MAX_DTMF_DIGITS });
  /** Set once the call is ending (`end_call`, `transfer_call`, silence, a failure): no new turns start. */
  readonly #ending: CallEnding;

  constructor(deps: VoiceSessionDeps) {
    this.#ctx = deps.ctx;
    this.#config = deps.ctx.config;
    this.#clients = deps.clients;
    this.#vadRuntime = deps.vad;
    this.#log = deps.ctx.logger;
    this.#now = deps.now ?? (() => performance.now());
    this.#timers = deps.timers;
    this.#ending = new CallEnding({ io: () => (this.#closed ? null : this.#io), log: this.#log, stopSilence: () => this.#silence?.stop() });
    const signal = deps.ctx.signal;
    this.#stt = createTranscriber(
      this.#config.stt,
      {
        sampleRate: VOICE_SAMPLE_RATE,
        signal,
        language: this.#config.language,
        silenceMs: endpointingSilenceMs(this.#config),
        client: deps.clients.stt,
        streaming: deps.streaming,
      },
      {
        utterance: (text) => this.#onUtterance(text),
        failed: (err) => {
          // The call's signal ends the socket first when the call ends: not a failure.
          if (!this.#closed && !signal.aborted) this.#ending.fail(vendorFailure('stt', err));
        },
      },
    );
    this.#tts = createSpeaker(this.#config.tts, { sampleRate: VOICE_SAMPLE_RATE, signal, client: deps.clients.tts, streaming: deps.streaming });
    this.#replyDeps = {
      config: this.#config,
      llm: this.#clients.llm,
      history: this.#history,
      record: this.#record,
      log: this.#log,
      now: this.#now,
      closed: () => this.#closed,
      speak: (text, clock, turn, round) => this.#speech!.speak(text, clock, turn, round),
      runTools: (turn, calls, reply) => this.#runTools(turn, calls, reply),
    };
    const prompt = renderTemplate(this.#config.prompt, callVariables(this.#ctx.call));
    if (prompt.missing.length > 0) this.#log.warn({ missing: prompt.missing }, 'prompt placeholders without a value');
    this.#history.push({ role: 'system', content: prompt.text });
  }

  /** Segments spoken in the current turn (for barge-in). */
  get segments(): readonly SpokenSegment[] {
    return this.#speech?.segments ?? [];
  }

  async start(io: AgentIO): Promise<void> {
    this.#io = io;
    this.#startedAt = this.#now();
    const playout = new TurnPlayout(io, { bytesPerMs: (VOICE_SAMPLE_RATE / 1000) * 2, now: this.#now });
    this.#playout = playout;
    this.#speech = new AgentSpeech({
      tts: this.#tts,
      playout,
      record: this.#record,
      history: this.#history,
      signal: this.#ctx.signal,
      log: this.#log,
      now: this.#now,
      sampleRate: VOICE_SAMPLE_RATE,
      sessionMs: (t) => this.#sessionMs(t),
      alive: () => this.#alive(),
      closed: () => this.#closed,
      transcript: (line) => this.#transcript(line),
      stopped: () => this.#interruptions?.agentStopped(),
    });
    const maxS = this.#config.max_duration_s;
    if (maxS !== undefined) this.#maxDurationTimer = setTimeout(() => this.#io?.hangup('max_duration'), maxS * 1000);
    this.#silence = this.#silenceWatch();
    let greets = false;
    if (this.#config.greeting !== undefined) {
      const greeting = renderTemplate(this.#config.greeting, callVariables(this.#ctx.call));
      if (greeting.missing.length > 0) this.#log.warn({ missing: greeting.missing }, 'greeting placeholders without a value');
      greets = greeting.text.trim() !== '';
      if (greets) this.#enqueue(() => this.#say(greeting.text));
    }
    // Without a greeting the caller is expected to speak first: the silence clocks run from the start.
    if (!greets) this.#silence?.waitForCaller();
    const vad = this.#config.vad;
    const bargeIn = this.#config.interruption?.enabled ?? VOICE_DEFAULTS.interruptionEnabled;
    this.#vad = await this.#vadRuntime.createVad({
      sampleRate: VOICE_SAMPLE_RATE,
      engine: vad?.engine ?? VOICE_DEFAULTS.vadEngine,
      ...(vad?.threshold === undefined ? {} : { threshold: vad.threshold }),
      minSilenceMs: vad?.min_silence_ms ?? VOICE_DEFAULTS.vadMinSilenceMs,
      // Barge-in watches the speech probability of every window.
      emitProbabilities: bargeIn,
    });
    if (this.#closed) return this.#vad.close();
    this.#interruptions = interruptionDetectorFor(this.#config, this.#vad, VOICE_SAMPLE_RATE, bargeIn);
    this.#log.debug({ vad_engine: this.#vad.engine }, 'voice session started');
    const early = this.#early;
    this.#early = [];
    for (const samples of early) this.#push(samples);
  }

  onAudio(audio: Uint8Array): void {
    if (this.#closed) return;
    const samples = pcm16leToInt16(audio.byteLength % 2 === 0 ? audio : audio.subarray(0, audio.byteLength - 1));
    if (this.#vad === null) {
      // Bounded: the VAD is ready within the first second; past ~10 s of audio the oldest is dropped.
      this.#early.push(samples.slice());
      if (this.#early.length > 500) this.#early.shift();
      return;
    }
    this.#push(samples);
  }

  /** A key press: the caller is there; the keys go to the model together (see the module comment). */
  onDtmf(digit: string): void {
    if (this.#closed || this.#io === null || this.#ending.pending) return;
    this.#silence?.callerActive();
    this.#dtmfFrom ??= this.#sessionMs();
    this.#dtmf.press(digit);
  }

  onPlayed(mark: string): void {
    if (!this.#closed && this.#playout?.played(mark) === true) this.#heardToEnd();
  }

  close(_info: SessionCloseInfo): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#maxDurationTimer);
    this.#ending.close();
    this.#dtmf.close();
    this.#silence?.stop();
    this.#vad?.close();
    this.#vad = null;
    this.#early = [];
    this.#stt.close();
    this.#tts.close();
    // A turn still playing is kept as generated: the call ended, nobody interrupted it.
    this.#speech?.close();
    this.#record.stt(this.#stt.audioSeconds);
    // The edge takes context updates until this close has returned.
    this.#io?.setContext({ usage: this.#record.usage });
    this.#io?.setContext(this.#record.transcriptContext());
    this.#io = null;
  }

  /** The session's clock: ms since the session started (at `t`, default now). */
  #sessionMs(t = this.#now()): number {
    return Math.max(0, Math.round(t - this.#startedAt));
  }

  #push(samples: Int16Array): void {
    const vad = this.#vad!;
    this.#stt.audio(samples);
    this.#samples += samples.length;
    const classifiedMs = (this.#samples * 1000) / VOICE_SAMPLE_RATE;
    // Pushes are processed in order; their results settle in order.
    vad.push(samples).then(
      // Read when the results settle: later pushes may have moved the VAD on, which only delays the cut.
      (events) => this.#onVadEvents(events, classifiedMs, vad.quiet),
      (err: unknown) => {
        if (!this.#closed) this.#ending.fail(err);
      },
    );
  }

  /** `classifiedMs`: the caller audio the VAD had been given when it answered `events`; `quiet`: the VAD's `quiet` then. */
  #onVadEvents(events: readonly VadEvent[], classifiedMs: number, quiet: boolean): void {
    if (this.#closed) return;
    this.#bargeIn(events);
    if (this.#closed) return;
    if (events.some((e) => e.type === 'speech_start')) this.#silence?.callerActive();
    // The VAD's edges, on the audio clock, placed on the session's: the audio classified last is now.
    const now = this.#sessionMs();
    for (const e of events) {
      if (e.type === 'speech_start') this.#callerSpeech.started(Math.max(0, now - (classifiedMs - e.atMs)));
      else if (e.type === 'speech_end') this.#callerSpeech.ended(Math.max(0, now - (classifiedMs - e.atMs)));
    }
    this.#stt.vad(events, classifiedMs, quiet);
  }

  /** The STT reports the end of a caller utterance: its turn is queued. */
  #onUtterance(text: UtteranceText): void {
    if (this.#closed) return;
    const clock: TurnClock = { endOfSpeech: this.#now() };
    const span = this.#callerSpeech.take(this.#sessionMs(clock.endOfSpeech));
    this.#enqueue(() => this.#userTurn(text, clock, span));
  }

  /** Emits a transcript run event and keeps the line for the run's final transcript. */
  #transcript(line: TranscriptEntry): void {
    const io = this.#io;
    if (io === null) return;
    const entry = fittedLine(line);
    this.#record.line(entry);
    io.emit({ type: 'transcript', data: { ...entry, final: true } });
  }

  #enqueue(turn: () => Promise<void>): void {
    this.#turns = this.#turns.then(turn).catch((err: unknown) => {
      if (err instanceof Stopped || this.#closed) return;
      if (err instanceof ApologizeAndFail) return this.#apologizeAndFail(err);
      this.#ending.fail(err);
    });
  }

  /**
   * The LLM failed: an apology is spoken, and the call ends with the failure once it was heard (at
   * once if it cannot be spoken, the call is already ending, or it is not heard within
   * {@link VOICE_DEFAULTS.apologyDeadlineMs}).
   */
  #apologizeAndFail(err: ApologizeAndFail): void {
    if (!this.#ending.apologizeFirst(err.failure)) return;
    this.#turns = this.#turns.then(() => this.#say(VOICE_DEFAULTS.errorApology)).catch(() => this.#ending.act());
  }

  #alive(): AgentIO {
    if (this.#closed || this.#io === null) throw new Stopped();
    return this.#io;
  }

  /** An agent turn of a fixed text (the greeting, a reprompt, a silence goodbye); it joins the history. */
  async #say(text: string, reprompt = false): Promise<void> {
    const turn = this.#beginTurn(reprompt);
    await this.#speech!.speak(text, undefined, turn);
    this.#speech!.generated(turn, text);
  }

  /** The caller's turn: their words join the conversation, and the agent replies. */
  async #userTurn(utterance: UtteranceText, clock: TurnClock, span: TurnSpan): Promise<void> {
    let text: string;
    try {
      text = (await utterance(this.#ctx.signal)).trim();
    } catch (err) {
      throw this.#closed ? new Stopped() : vendorFailure('stt', err);
    }
    clock.sttFinal = this.#now();
    if (this.#ending.pending) return;
    if (text === '') {
      // Noise, not words: the silence clocks run again if nobody speaks.
      if (this.#speech?.turn === undefined) this.#silence?.waitForCaller();
      return;
    }
    // The agent's previous turn, if still playing, is over for the record: its transcript goes first.
    this.#speech!.playedOut();
    this.#alive();
    this.#transcript({ role: 'caller', text, ...span });
    this.#history.push({ role: 'user', content: text });
    await this.#reply(clock);
  }

  /** The agent's reply to the conversation so far ({@link streamReply}), with the turn's latency metrics. */
  async #reply(clock: TurnClock): Promise<void> {
    const turn = this.#beginTurn();
    const last = await streamReply(this.#replyDeps, turn, clock);
    this.#speech!.generated(turn, last);
    emitLatency(this.#alive(), clock);
  }

  /** Runs the tool calls of one round (see {@link runToolCalls}); an ending tool makes the call end once the turn was heard. */
  async #runTools(turn: AgentTurn, calls: readonly ChatToolCall[], reply: string): Promise<ToolRound> {
    const round = await runToolCalls(calls, reply, {
      tools: this.#config.tools,
      addressPolicy: this.#config.llm.address_policy,
      signal: turn.signal,
      interrupted: () => turn.heard !== undefined,
      ending: this.#ending.pending,
      emit: (event) => this.#io?.emit(event),
      answer: (toolCallId, content) => void this.#history.push({ role: 'tool', toolCallId, content }),
    });
    this.#alive();
    if (round.ending !== undefined && this.#ending.begin(round.ending)) {
      this.#log.info({ tool: round.ending.kind === 'hangup' ? 'end_call' : 'transfer_call' }, 'agent ends or transfers the call after its last words');
    }
    return round;
  }

  /**
   * Starts an agent turn ({@link AgentSpeech.begin}). The silence clocks wait until it has been
   * heard, a reprompt's keeping the silence so far.
   */
  #beginTurn(reprompt = false): AgentTurn {
    this.#alive();
    if (!reprompt) this.#silence?.agentSpeaking();
    return this.#speech!.begin();
  }

  /**
   * The provider reported the end of the turn's audio as heard: the call ends now if it is ending
   * (the goodbye was heard), else the silence clocks run.
   */
  #heardToEnd(): void {
    this.#speech?.playedOut();
    if (this.#ending.pending) return this.#ending.act();
    this.#silence?.waitForCaller();
  }

  /** Sends key presses to the model: a caller line, then a reply. */
  #sendDtmf(digits: string): void {
    if (this.#closed) return;
    const sentAt = this.#sessionMs();
    const span: TurnSpan = { start_ms: Math.min(this.#dtmfFrom ?? sentAt, sentAt), end_ms: sentAt };
    this.#dtmfFrom = undefined;
    this.#enqueue(async () => {
      if (this.#ending.pending) return;
      const clock: TurnClock = { endOfSpeech: this.#now() };
      this.#speech!.playedOut();
      const text = dtmfText(digits);
      this.#alive();
      this.#transcript({ role: 'caller', text, ...span });
      this.#history.push({ role: 'user', content: text });
      await this.#reply(clock);
    });
  }

  /** The `silence` watch, when a duration is configured. */
  #silenceWatch(): SilenceWatch | null {
    const silence = this.#config.silence;
    if (silence?.reprompt_after_s === undefined && silence?.hangup_after_s === undefined) return null;
    const ms = (s: number | undefined): number | undefined => (s === undefined ? undefined : s * 1000);
    return new SilenceWatch(
      { repromptAfterMs: ms(silence.reprompt_after_s), hangupAfterMs: ms(silence.hangup_after_s) },
      {
        reprompt: () => {
          if (this.#closed || this.#ending.pending) return;
          this.#log.debug({}, 'caller silent: reprompt');
          this.#enqueue(() => this.#say(silence.reprompt ?? VOICE_DEFAULTS.silenceReprompt, true));
        },
        hangup: () => {
          if (this.#closed || this.#ending.pending) return;
          this.#log.info({ after_s: silence.hangup_after_s }, 'caller silent: the agent hangs up');
          this.#ending.begin({ kind: 'hangup', reason: 'silence' });
          if (silence.goodbye === undefined) return this.#ending.act();
          this.#enqueue(() => this.#say(silence.goodbye!, true));
        },
      },
      this.#timers,
      this.#now,
    );
  }

  /** Barge-in on one VAD result: pause, resume or interrupt the agent's turn. */
  #bargeIn(events: readonly VadEvent[]): void {
    const playout = this.#playout;
    const detector = this.#interruptions;
    if (playout === null || detector === null) return;
    playout.pump();
    if (this.#speech?.turn !== undefined && playout.playedOut) this.#heardToEnd();
    for (const action of detector.update(events, this.#speech?.turn !== undefined)) this.#apply(action);
  }

  #apply(action: BargeInAction): void {
    const playout = this.#playout!;
    switch (action.type) {
      case 'pause':
        playout.pause();
        this.#log.debug({ at_ms: action.atMs, heard_ms: Math.round(playout.heardMs()) }, 'caller speech over the agent: paused');
        return;
      case 'resume':
        playout.resume();
        this.#log.debug({ at_ms: action.atMs }, 'false interruption: agent resumed');
        return;
      case 'interrupt':
        // The model decided to end the call: the caller speaking over the goodbye does not undo that.
        if (this.#speech?.interrupt(action.atMs - action.speechStartedAtMs) === true && this.#ending.pending) this.#ending.act();
        return;
    }
  }
}
