/**
 * One call of the `voice` engine: the caller's audio goes through the VAD and to STT
 * ({@link Transcriber}: VAD-cut utterances transcribed, or streamed to Deepgram), each utterance's
 * words and the conversation to the LLM (streamed), each sentence of the reply to TTS
 * ({@link Speaker}) and back to the caller. Turns run one after the other. Barge-in
 * (`interruption`): the caller speaking over the agent pauses its audio at once, and an
 * interruption (speech lasting `min_duration_ms`) aborts the turn and keeps in the conversation
 * only what the caller heard (`heardText` over the turn's spoken segments, with the TTS's timings
 * when it gives them); see {@link InterruptionDetector} and {@link TurnPlayout}.
 *
 * Tools (`@vr3/tools`): the model is offered the agent's functions. `end_call` / `transfer_call`
 * act once the turn's last words (the reply, else the tool's `goodbye` / `announcement`, else a
 * short default) have been heard: the end mark of the turn's audio, then `hangup` / `transfer`. An
 * HTTP tool's answer (or failure) goes back to the model, which is asked again within the same turn
 * (at most {@link VOICE_DEFAULTS.maxToolRounds} times, then a spoken apology). Each call is a
 * `tool_call` run event. Key presses reach the model as a user line ({@link dtmfText}), several
 * keys together ({@link VOICE_DEFAULTS.dtmfDebounceMs} after the last, or at once on `#`). Caller
 * silence after the agent was heard to its end re-prompts and hangs up ({@link SilenceWatch}).
 * At close the run gets `gathered_context.usage` and `.transcript` ({@link CallRecord}).
 */
import { EngineError, type AgentIO, type AgentSession, type EngineLogger, type SessionCloseInfo, type SessionContext } from '@vr3/agent';
import { int16ToPcm16le, pcm16leToInt16 } from '@vr3/codec';
import type { MediaFormat } from '@vr3/protocol';
import type { Vad, VadEvent, VadRuntime } from '@vr3/vad';
import { dtmfText, toolFunctions } from '@vr3/tools';
import { VendorError, type ChatMessage, type ChatToolCall, type OpenAiCompatibleClient } from '@vr3/vendors';
import { CallRecord, type TranscriptEntry } from './call-record.ts';
import { cutToHeard, turnText, type AgentTurn, type AssistantMessage, type TurnSegment } from './agent-turn.ts';
import { DtmfCollector } from './dtmf.ts';
import { vendorFailure } from './errors.ts';
import type { BargeInAction } from './barge-in.ts';
import type { SpokenSegment } from './heard-text.ts';
import type { InterruptionDetector } from './interruptions.ts';
import { interruptionDetectorFor } from './interruption-options.ts';
import { TurnPlayout } from './playout.ts';
import { SentenceChunker } from './sentences.ts';
import { runToolCalls, type ToolRound } from './tool-calls.ts';
import { SilenceWatch, type SilenceTimers } from './silence.ts';
import { VOICE_DEFAULTS, type VoiceRuntimeConfig } from './spec.ts';
import { renderTemplate } from './template.ts';
import { createTranscriber, endpointingSilenceMs, type Transcriber, type UtteranceText } from './stt.ts';
import { createSpeaker, type Speaker } from './tts.ts';
import { emitLatency, type TurnClock } from './turn-clock.ts';

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
  timers?: SilenceTimers | undefined;
}

/** Stops a turn quietly: the call ended, or the caller interrupted it. */
class Stopped extends Error {}

/** The LLM failed: the caller hears an apology (if speech still works), then the call ends with `failure`. */
class ApologizeAndFail extends Error {
  constructor(readonly failure: EngineError) {
    super(failure.message, { cause: failure });
  }
}

/** How the call ends once the agent's last words have been heard. */
type Ending = ({ kind: 'hangup'; reason: string } | { kind: 'transfer'; target: string } | { kind: 'fail'; failure: EngineError }) & { done: boolean };

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
  readonly #history: ChatMessage[] = [];
  #io: AgentIO | null = null;
  #vad: Vad | null = null;
  /** Caller audio that arrived while the VAD was being created (bounded by the cutter's window). */
  #early: Int16Array[] = [];
  /** Turns run one at a time, in order. */
  #turns: Promise<void> = Promise.resolve();
  /** Segments of the latest agent turn (text + audio length): what barge-in cuts with `heardText`. */
  #segments: TurnSegment[] = [];
  /** The agent turn being generated or played. */
  #turn: AgentTurn | undefined;
  #playout: TurnPlayout | null = null;
  #interruptions: InterruptionDetector | null = null;
  #closed = false;
  /** Ends the call at `max_duration_s`. */
  #maxDurationTimer: NodeJS.Timeout | undefined;
  /** Re-prompts and hangs up on caller silence (`silence`); null when not configured. */
  #silence: SilenceWatch | null = null;
  readonly #timers: SilenceTimers | undefined;
  /** Gathers key presses into one message. */
  readonly #dtmf = new DtmfCollector((digits) => this.#sendDtmf(digits), { debounceMs: VOICE_DEFAULTS.dtmfDebounceMs, maxDigits: MAX_DTMF_DIGITS });
  /** Set once the call is ending (`end_call`, `transfer_call`, silence, a failure): no new turns start. */
  #ending: Ending | undefined;
  /** Ends a failing call if its apology is not reported heard in time. */
  #apologyTimer: NodeJS.Timeout | undefined;

  constructor(deps: VoiceSessionDeps) {
    this.#ctx = deps.ctx;
    this.#config = deps.ctx.config;
    this.#clients = deps.clients;
    this.#vadRuntime = deps.vad;
    this.#log = deps.ctx.logger;
    this.#now = deps.now ?? (() => performance.now());
    this.#timers = deps.timers;
    const signal = deps.ctx.signal;
    this.#stt = createTranscriber(
      this.#config.stt,
      { sampleRate: VOICE_SAMPLE_RATE, signal, language: this.#config.language, silenceMs: endpointingSilenceMs(this.#config), client: deps.clients.stt },
      {
        utterance: (text) => this.#onUtterance(text),
        failed: (err) => {
          // The call's signal ends the socket first when the call ends: not a failure.
          if (!this.#closed && !signal.aborted) this.#fail(vendorFailure('stt', err));
        },
      },
    );
    this.#tts = createSpeaker(this.#config.tts, { sampleRate: VOICE_SAMPLE_RATE, signal, client: deps.clients.tts });
    const vars = this.#variables();
    const prompt = renderTemplate(this.#config.prompt, vars);
    if (prompt.missing.length > 0) this.#log.warn({ missing: prompt.missing }, 'prompt placeholders without a value');
    this.#history.push({ role: 'system', content: prompt.text });
  }

  /** Segments spoken in the current turn (for barge-in). */
  get segments(): readonly SpokenSegment[] {
    return this.#segments.map(({ text, audioMs }) => ({ text, audioMs }));
  }

  async start(io: AgentIO): Promise<void> {
    this.#io = io;
    this.#playout = new TurnPlayout(io, { bytesPerMs: (VOICE_SAMPLE_RATE / 1000) * 2 });
    const maxS = this.#config.max_duration_s;
    if (maxS !== undefined) this.#maxDurationTimer = setTimeout(() => this.#io?.hangup('max_duration'), maxS * 1000);
    this.#silence = this.#silenceWatch();
    let greets = false;
    if (this.#config.greeting !== undefined) {
      const greeting = renderTemplate(this.#config.greeting, this.#variables());
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
    if (this.#closed || this.#io === null || this.#ending !== undefined) return;
    this.#silence?.callerActive();
    this.#dtmf.press(digit);
  }

  onPlayed(mark: string): void {
    if (!this.#closed && this.#playout?.played(mark) === true) this.#heardToEnd();
  }

  close(_info: SessionCloseInfo): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#maxDurationTimer);
    clearTimeout(this.#apologyTimer);
    this.#dtmf.close();
    this.#silence?.stop();
    this.#vad?.close();
    this.#vad = null;
    this.#early = [];
    this.#stt.close();
    this.#tts.close();
    // A turn still playing is kept as generated: the call ended, nobody interrupted it.
    const turn = this.#turn;
    const text = turn === undefined || turn.heard !== undefined ? '' : turnText(turn);
    if (text !== '') this.#transcript({ role: 'agent', text });
    this.#record.stt(this.#stt.audioSeconds);
    // The edge takes context updates until this close has returned.
    this.#io?.setContext({ usage: this.#record.usage });
    this.#io?.setContext(this.#record.transcriptContext());
    this.#turn?.controller.abort();
    this.#turn = undefined;
    this.#playout?.close();
    this.#interruptions?.agentStopped();
    this.#segments = [];
    this.#io = null;
  }

  #variables(): Record<string, unknown> {
    const call = this.#ctx.call;
    return { caller_number: call.from, called_number: call.to, ...call.initialContext };
  }

  #push(samples: Int16Array): void {
    const vad = this.#vad!;
    this.#stt.audio(samples);
    this.#samples += samples.length;
    const classifiedMs = (this.#samples * 1000) / VOICE_SAMPLE_RATE;
    // Pushes are processed in order; their results settle in order.
    vad.push(samples).then(
      (events) => this.#onVadEvents(events, classifiedMs),
      (err: unknown) => {
        if (!this.#closed) this.#fail(err);
      },
    );
  }

  /** `classifiedMs`: the caller audio the VAD had been given when it answered `events`. */
  #onVadEvents(events: readonly VadEvent[], classifiedMs: number): void {
    if (this.#closed) return;
    this.#bargeIn(events);
    if (this.#closed) return;
    if (events.some((e) => e.type === 'speech_start')) this.#silence?.callerActive();
    this.#stt.vad(events, classifiedMs);
  }

  /** The STT reports the end of a caller utterance: its turn is queued. */
  #onUtterance(text: UtteranceText): void {
    if (this.#closed) return;
    const clock: TurnClock = { endOfSpeech: this.#now() };
    this.#enqueue(() => this.#userTurn(text, clock));
  }

  /** Emits a transcript run event and keeps the line for the run's final transcript. */
  #transcript(entry: TranscriptEntry): void {
    const io = this.#io;
    if (io === null) return;
    this.#record.line(entry);
    io.emit({ type: 'transcript', data: { ...entry, final: true } });
  }

  #enqueue(turn: () => Promise<void>): void {
    this.#turns = this.#turns.then(turn).catch((err: unknown) => {
      if (err instanceof Stopped || this.#closed) return;
      if (err instanceof ApologizeAndFail) return this.#apologizeAndFail(err.failure);
      this.#fail(err);
    });
  }

  /**
   * The LLM failed: an apology is spoken, and the call ends with `failure` once it was heard (at
   * once if it cannot be spoken, the call is already ending, or it is not heard within
   * {@link VOICE_DEFAULTS.apologyDeadlineMs}).
   */
  #apologizeAndFail(failure: EngineError): void {
    if (this.#ending !== undefined || this.#io === null) return this.#fail(failure);
    this.#ending = { kind: 'fail', failure, done: false };
    this.#silence?.stop();
    this.#apologyTimer = setTimeout(() => this.#act(), VOICE_DEFAULTS.apologyDeadlineMs);
    this.#turns = this.#turns.then(() => this.#say(VOICE_DEFAULTS.errorApology)).catch(() => this.#act());
  }

  #fail(err: unknown): void {
    const io = this.#io;
    if (!io) return;
    const failure = err instanceof EngineError ? err : vendorFailure('session', err);
    const cause = failure.cause instanceof VendorError ? failure.cause : undefined;
    const fields = { vendor: cause?.vendor, vendor_code: cause?.code, status: cause?.status ?? cause?.httpStatus };
    this.#log.warn({ err_code: failure.code, ...fields }, 'voice session failed');
    // The run keeps why (our own message: stage, vendor, code and status; never a key, URL or body).
    io.emit({ type: 'log', data: { level: 'error', message: failure.message, ...fields } });
    io.fail(failure);
  }

  #alive(): AgentIO {
    if (this.#closed || this.#io === null) throw new Stopped();
    return this.#io;
  }

  /** An agent turn of a fixed text (the greeting, a reprompt, a silence goodbye); it joins the history. */
  async #say(text: string, reprompt = false): Promise<void> {
    const turn = this.#beginTurn(reprompt);
    await this.#speak(text, undefined, turn);
    this.#generated(turn, text);
  }

  async #userTurn(utterance: UtteranceText, clock: TurnClock): Promise<void> {
    let text: string;
    try {
      text = (await utterance(this.#ctx.signal)).trim();
    } catch (err) {
      throw this.#closed ? new Stopped() : vendorFailure('stt', err);
    }
    clock.sttFinal = this.#now();
    if (this.#ending !== undefined) return;
    if (text === '') {
      // Noise, not words: the silence clocks run again if nobody speaks.
      if (this.#turn === undefined) this.#silence?.waitForCaller();
      return;
    }
    // The agent's previous turn, if still playing, is over for the record: its transcript goes first.
    this.#playedOut();
    this.#alive();
    this.#transcript({ role: 'caller', text });
    this.#history.push({ role: 'user', content: text });
    await this.#reply(clock);
  }

  /**
   * Streams the LLM's reply and speaks it sentence by sentence while it streams. Tool calls are run
   * once the stream has ended; an HTTP tool's answer goes back to the LLM in a further round of the
   * same turn.
   */
  async #reply(clock: TurnClock): Promise<void> {
    const { llm } = this.#config;
    const turn = this.#beginTurn();
    const tools = toolFunctions(this.#config.tools);
    let speaking: Promise<void> = Promise.resolve();
    let speakError: unknown;
    const say = (sentence: string): void => {
      const round = turn.round;
      speaking = speaking.then(() => (speakError === undefined ? this.#speak(sentence, clock, turn, round) : undefined)).catch((err: unknown) => {
        speakError ??= err;
      });
    };
    /** Text of the turn's last message, added once spoken (the final round's reply, a goodbye, an apology). */
    let last = '';
    for (;;) {
      const chunker = new SentenceChunker();
      let reply = '';
      const calls: ChatToolCall[] = [];
      try {
        for await (const event of this.#clients.llm.chat(
          {
            model: llm.model,
            messages: [...this.#history],
            tools: tools.length > 0 ? tools : undefined,
            temperature: llm.temperature,
            maxTokens: llm.max_tokens,
          },
          { signal: turn.signal },
        )) {
          if (event.type === 'tool_call') calls.push(event.call);
          if (event.type === 'usage') this.#record.llm(event.usage.promptTokens, event.usage.completionTokens);
          if (event.type !== 'text') continue;
          clock.llmFirstToken ??= this.#now();
          reply += event.text;
          for (const sentence of chunker.push(event.text)) say(sentence);
          if (speakError !== undefined) break;
        }
      } catch (err) {
        throw this.#closed || turn.heard !== undefined ? new Stopped() : new ApologizeAndFail(vendorFailure('llm', err));
      }
      // Interrupted while the stream was closing: its calls are dropped with it.
      if (turn.heard !== undefined) throw new Stopped();
      const rest = chunker.flush();
      if (rest !== undefined) say(rest);
      reply = reply.trim();
      if (calls.length === 0 || speakError !== undefined) {
        last = reply;
        break;
      }
      // The reply with its calls joins the history now; the calls' answers follow it.
      const message: AssistantMessage = { role: 'assistant', content: reply === '' ? null : reply, toolCalls: calls };
      this.#history.push(message);
      turn.messages[turn.round] = message;
      const next = await this.#runTools(turn, calls, reply);
      if (turn.heard !== undefined) throw new Stopped();
      turn.round++;
      if (next.say !== undefined) {
        last = next.say;
        say(last);
        break;
      }
      if (!next.again) break;
      if (turn.round > VOICE_DEFAULTS.maxToolRounds) {
        this.#log.warn({ rounds: VOICE_DEFAULTS.maxToolRounds }, 'the model kept calling tools: apology spoken');
        last = VOICE_DEFAULTS.toolApology;
        say(last);
        break;
      }
    }
    await speaking;
    if (speakError !== undefined) throw speakError;
    this.#generated(turn, last);
    emitLatency(this.#alive(), clock);
  }

  /** Runs the tool calls of one round (see {@link runToolCalls}); an ending tool makes the call end once the turn was heard. */
  async #runTools(turn: AgentTurn, calls: readonly ChatToolCall[], reply: string): Promise<ToolRound> {
    const round = await runToolCalls(calls, reply, {
      tools: this.#config.tools,
      addressPolicy: this.#config.llm.address_policy,
      signal: turn.signal,
      interrupted: () => turn.heard !== undefined,
      ending: this.#ending !== undefined,
      emit: (event) => this.#io?.emit(event),
      answer: (toolCallId, content) => void this.#history.push({ role: 'tool', toolCallId, content }),
    });
    this.#alive();
    if (round.ending !== undefined && this.#ending === undefined) {
      this.#ending = { ...round.ending, done: false };
      this.#silence?.stop();
      this.#log.info({ tool: round.ending.kind === 'hangup' ? 'end_call' : 'transfer_call' }, 'agent ends or transfers the call after its last words');
    }
    return round;
  }

  /** Speaks `text` (one segment of the turn): the {@link Speaker}'s audio queued for playback, its timings kept for barge-in. */
  async #speak(text: string, clock: TurnClock | undefined, turn: AgentTurn, round = turn.round): Promise<void> {
    const segment: TurnSegment = { text, audioMs: 0, done: false, round };
    turn.segments.push(segment);
    this.#record.tts(text);
    try {
      for await (const piece of this.#tts.speak(text, turn.signal)) {
        this.#alive();
        if (turn.heard !== undefined) throw new Stopped();
        if (piece.type === 'timings') {
          (segment.timings ??= []).push(...piece.timings);
          continue;
        }
        if (clock) clock.ttsFirstAudio ??= this.#now();
        this.#playout!.send(int16ToPcm16le(piece.pcm));
        segment.audioMs += (piece.pcm.length * 1000) / VOICE_SAMPLE_RATE;
        if (clock) clock.firstAudioSent ??= this.#now();
      }
    } catch (err) {
      if (err instanceof Stopped || this.#closed || turn.heard !== undefined) throw new Stopped();
      throw vendorFailure('tts', err);
    }
    segment.done = true;
    this.#playout!.segmentEnd();
  }

  /**
   * Starts an agent turn; one still playing is complete (its audio is queued before this one's).
   * The silence clocks wait until it has been heard, a reprompt's keeping the silence so far.
   */
  #beginTurn(reprompt = false): AgentTurn {
    this.#alive();
    if (this.#turn !== undefined) this.#playedOut();
    if (!reprompt) this.#silence?.agentSpeaking();
    const controller = new AbortController();
    const turn: AgentTurn = { controller, signal: AbortSignal.any([this.#ctx.signal, controller.signal]), segments: [], round: 0, messages: [] };
    this.#turn = turn;
    this.#segments = turn.segments;
    this.#playout!.begin();
    return turn;
  }

  /**
   * The turn's text is complete and spoken: its last message (`text`, unless empty) joins the
   * history; its transcript follows once played.
   */
  #generated(turn: AgentTurn, text: string): void {
    this.#alive();
    if (turn.heard !== undefined || this.#turn !== turn) return;
    if (text !== '') {
      const message: AssistantMessage = { role: 'assistant', content: text };
      turn.messages[turn.round] = message;
      this.#history.push(message);
    }
    this.#playout!.end();
  }

  /** The current turn's audio has all been played: its transcript is final. */
  #playedOut(): void {
    const turn = this.#turn;
    if (turn === undefined) return;
    this.#turn = undefined;
    this.#playout?.close();
    this.#interruptions?.agentStopped();
    const text = turnText(turn);
    if (text !== '') this.#transcript({ role: 'agent', text });
  }

  /**
   * The provider reported the end of the turn's audio as heard: the call ends now if it is ending
   * (the goodbye was heard), else the silence clocks run.
   */
  #heardToEnd(): void {
    this.#playedOut();
    if (this.#ending !== undefined) return this.#act();
    this.#silence?.waitForCaller();
  }

  /** Hangs up or transfers, once. */
  #act(): void {
    const ending = this.#ending;
    const io = this.#io;
    if (ending === undefined || ending.done || io === null || this.#closed) return;
    ending.done = true;
    clearTimeout(this.#apologyTimer);
    this.#apologyTimer = undefined;
    this.#silence?.stop();
    switch (ending.kind) {
      case 'transfer':
        return io.transfer(ending.target);
      case 'hangup':
        return io.hangup(ending.reason);
      case 'fail':
        return this.#fail(ending.failure);
    }
  }

  /** Sends key presses to the model: a caller line, then a reply. */
  #sendDtmf(digits: string): void {
    if (this.#closed) return;
    this.#enqueue(async () => {
      if (this.#ending !== undefined) return;
      const clock: TurnClock = { endOfSpeech: this.#now() };
      this.#playedOut();
      const text = dtmfText(digits);
      this.#alive();
      this.#transcript({ role: 'caller', text });
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
          if (this.#closed || this.#ending !== undefined) return;
          this.#log.debug({}, 'caller silent: reprompt');
          this.#enqueue(() => this.#say(silence.reprompt ?? VOICE_DEFAULTS.silenceReprompt, true));
        },
        hangup: () => {
          if (this.#closed || this.#ending !== undefined) return;
          this.#log.info({ after_s: silence.hangup_after_s }, 'caller silent: the agent hangs up');
          this.#ending = { kind: 'hangup', reason: 'silence', done: false };
          if (silence.goodbye === undefined) return this.#act();
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
    if (this.#turn !== undefined && playout.playedOut) this.#heardToEnd();
    for (const action of detector.update(events, this.#turn !== undefined)) this.#apply(action);
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
        return this.#interrupt(action.atMs - action.speechStartedAtMs);
    }
  }

  /**
   * The caller interrupted: the turn's audio is stopped (the provider clears what it buffered), its
   * LLM and TTS requests are aborted, and the conversation keeps only the words the caller heard.
   */
  #interrupt(speechMs: number): void {
    const turn = this.#turn;
    const io = this.#io;
    if (turn === undefined || io === null) return;
    const sentMs = this.#playout!.turnMs;
    const heardMs = this.#playout!.stop();
    this.#turn = undefined;
    const heard = cutToHeard(turn, heardMs, this.#history);
    turn.controller.abort();
    this.#log.info({ heard_ms: Math.round(heardMs), spoken_ms: Math.round(sentMs), speech_ms: Math.round(speechMs) }, 'caller interrupted the agent');
    if (sentMs > 0) this.#transcript({ role: 'agent', text: heard, interrupted: true });
    // The model decided to end the call: the caller speaking over the goodbye does not undo that.
    if (this.#ending !== undefined) this.#act();
  }
}
