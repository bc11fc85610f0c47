/**
 * One call of the `voice` engine: the caller's audio goes through the VAD, each utterance to STT,
 * the conversation to the LLM (streamed), each sentence of the reply to TTS and back to the
 * caller. Turns run one after the other. Barge-in (`interruption`): the caller speaking over the
 * agent pauses its audio at once, and an interruption (speech lasting `min_duration_ms`) aborts the
 * turn and keeps in the conversation only what the caller heard (`heardText` over the turn's spoken
 * segments); see {@link InterruptionDetector} and {@link TurnPlayout}.
 */
import { EngineError, type AgentIO, type AgentSession, type EngineLogger, type SessionCloseInfo, type SessionContext } from '@vr3/agent';
import { int16ToPcm16le, pcm16leToInt16, Resampler } from '@vr3/codec';
import type { MediaFormat } from '@vr3/protocol';
import { SILERO_WINDOWS, VAD_DEFAULTS, VadEngine, WEBRTC_FRAME_MS, type Vad, type VadEvent, type VadRuntime } from '@vr3/vad';
import { SPEECH_SAMPLE_RATE, VendorError, type ChatMessage, type OpenAiCompatibleClient } from '@vr3/vendors';
import { vendorFailure } from './errors.ts';
import { DEFAULT_BARGE_IN, type BargeInAction } from './barge-in.ts';
import { heardText, type SpokenSegment } from './heard-text.ts';
import { InterruptionDetector } from './interruptions.ts';
import { TurnPlayout } from './playout.ts';
import { SentenceChunker } from './sentences.ts';
import { VOICE_DEFAULTS, type VoiceRuntimeConfig } from './spec.ts';
import { renderTemplate } from './template.ts';
import { UtteranceCutter } from './utterances.ts';

/** PCM16 rate the session works at: STT gets 16 kHz WAV, the VAD runs natively at it. */
export const VOICE_SAMPLE_RATE = 16_000;

/** The vendor clients of one session. */
export interface VoiceClients {
  stt: OpenAiCompatibleClient;
  llm: OpenAiCompatibleClient;
  tts: OpenAiCompatibleClient;
}

/** What a session is built from. */
export interface VoiceSessionDeps {
  ctx: SessionContext<VoiceRuntimeConfig>;
  clients: VoiceClients;
  /** Makes the call's VAD stream (the shared runtime). */
  vad: Pick<VadRuntime, 'createVad'>;
  /** Monotonic clock in ms (tests inject one). */
  now?: () => number;
}

/** Timestamps of one turn, for its latency metrics. */
interface TurnClock {
  endOfSpeech: number;
  sttFinal?: number;
  llmFirstToken?: number;
  ttsFirstAudio?: number;
  firstAudioSent?: number;
}

/** Stops a turn quietly: the call ended, or the caller interrupted it. */
class Stopped extends Error {}

/** A segment of an agent turn; `done` once its speech is complete. */
interface TurnSegment {
  text: string;
  audioMs: number;
  done: boolean;
}

/** One agent turn (the greeting or a reply), from its start until it has played or was interrupted. */
interface AgentTurn {
  /** Aborts the turn's LLM and TTS requests on an interruption. */
  readonly controller: AbortController;
  readonly signal: AbortSignal;
  readonly segments: TurnSegment[];
  /** The assistant message once the turn's text is complete and in the history. */
  message?: { role: 'assistant'; content: string };
  /** Set when the caller interrupted the turn: the text they heard. */
  heard?: string;
}

/** See the module comment. */
export class VoiceSession implements AgentSession {
  readonly format: MediaFormat = { encoding: 'pcm16le', sampleRate: VOICE_SAMPLE_RATE };
  readonly #config: VoiceRuntimeConfig;
  readonly #ctx: SessionContext<VoiceRuntimeConfig>;
  readonly #clients: VoiceClients;
  readonly #vadRuntime: Pick<VadRuntime, 'createVad'>;
  readonly #log: EngineLogger;
  readonly #now: () => number;
  readonly #cutter: UtteranceCutter;
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

  constructor(deps: VoiceSessionDeps) {
    this.#ctx = deps.ctx;
    this.#config = deps.ctx.config;
    this.#clients = deps.clients;
    this.#vadRuntime = deps.vad;
    this.#log = deps.ctx.logger;
    this.#now = deps.now ?? (() => performance.now());
    this.#cutter = new UtteranceCutter({
      sampleRate: VOICE_SAMPLE_RATE,
      silenceMs: this.#config.endpointing?.silence_ms ?? VOICE_DEFAULTS.endpointingSilenceMs,
      // The VAD reports speech after its minimum speech time: a restart within the silence is known only then.
      startLagMs: VAD_DEFAULTS.minSpeechMs + 64,
    });
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
    if (this.#config.greeting !== undefined) {
      const greeting = renderTemplate(this.#config.greeting, this.#variables());
      if (greeting.missing.length > 0) this.#log.warn({ missing: greeting.missing }, 'greeting placeholders without a value');
      if (greeting.text.trim() !== '') this.#enqueue(() => this.#greet(greeting.text));
    }
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
    this.#interruptions = this.#interruptionDetector(this.#vad, bargeIn);
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

  onDtmf(): void {}

  onPlayed(mark: string): void {
    if (!this.#closed && this.#playout?.played(mark) === true) this.#playedOut();
  }

  close(_info: SessionCloseInfo): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#maxDurationTimer);
    this.#vad?.close();
    this.#vad = null;
    this.#early = [];
    this.#cutter.clear();
    // A turn still playing is kept as generated: the call ended, nobody interrupted it.
    const turn = this.#turn;
    if (turn?.message !== undefined && turn.heard === undefined && turn.message.content !== '') {
      this.#io?.emit({ type: 'transcript', data: { role: 'agent', text: turn.message.content, final: true } });
    }
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
    this.#cutter.pushAudio(samples);
    const classifiedMs = this.#cutter.nowMs;
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
    for (const e of events) if (e.type !== 'probability') this.#cutter.edge(e);
    const utterance = this.#cutter.take(classifiedMs);
    if (utterance === undefined || utterance.length === 0) return;
    const clock: TurnClock = { endOfSpeech: this.#now() };
    this.#enqueue(() => this.#userTurn(utterance, clock));
  }

  #enqueue(turn: () => Promise<void>): void {
    this.#turns = this.#turns.then(turn).catch((err: unknown) => {
      if (err instanceof Stopped || this.#closed) return;
      this.#fail(err);
    });
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

  async #greet(text: string): Promise<void> {
    const turn = this.#beginTurn();
    await this.#speak(text, undefined, turn);
    this.#generated(turn, text);
  }

  async #userTurn(utterance: Int16Array, clock: TurnClock): Promise<void> {
    const { stt } = this.#config;
    let text: string;
    try {
      const result = await this.#clients.stt.transcribe(
        { model: stt.model, audio: int16ToPcm16le(utterance), sampleRate: VOICE_SAMPLE_RATE, language: stt.language ?? this.#config.language },
        { signal: this.#ctx.signal },
      );
      text = result.text.trim();
    } catch (err) {
      throw this.#closed ? new Stopped() : vendorFailure('stt', err);
    }
    clock.sttFinal = this.#now();
    if (text === '') return;
    // The agent's previous turn, if still playing, is over for the record: its transcript goes first.
    this.#playedOut();
    this.#alive().emit({ type: 'transcript', data: { role: 'caller', text, final: true } });
    this.#history.push({ role: 'user', content: text });
    await this.#reply(clock);
  }

  /** Streams the LLM's reply and speaks it sentence by sentence while it streams. */
  async #reply(clock: TurnClock): Promise<void> {
    const { llm } = this.#config;
    const turn = this.#beginTurn();
    const chunker = new SentenceChunker();
    let reply = '';
    let speaking: Promise<void> = Promise.resolve();
    let speakError: unknown;
    const say = (sentence: string): void => {
      speaking = speaking.then(() => (speakError === undefined ? this.#speak(sentence, clock, turn) : undefined)).catch((err: unknown) => {
        speakError ??= err;
      });
    };
    try {
      for await (const event of this.#clients.llm.chat(
        { model: llm.model, messages: [...this.#history], temperature: llm.temperature, maxTokens: llm.max_tokens },
        { signal: turn.signal },
      )) {
        if (event.type !== 'text') continue;
        clock.llmFirstToken ??= this.#now();
        reply += event.text;
        for (const sentence of chunker.push(event.text)) say(sentence);
        if (speakError !== undefined) break;
      }
    } catch (err) {
      throw this.#closed || turn.heard !== undefined ? new Stopped() : vendorFailure('llm', err);
    }
    const rest = chunker.flush();
    if (rest !== undefined) say(rest);
    await speaking;
    if (speakError !== undefined) throw speakError;
    this.#generated(turn, reply.trim());
    this.#emitLatency(this.#alive(), clock);
  }

  /** Speaks `text`: TTS at 24 kHz, resampled to the session rate, queued for playback. */
  async #speak(text: string, clock: TurnClock | undefined, turn: AgentTurn): Promise<void> {
    const { tts } = this.#config;
    const resampler = new Resampler(SPEECH_SAMPLE_RATE, VOICE_SAMPLE_RATE);
    const segment: TurnSegment = { text, audioMs: 0, done: false };
    turn.segments.push(segment);
    // The filter's group delay: dropping its first samples keeps each segment exactly as long as its speech.
    let skip = resampler.delay;
    const send = (out: Int16Array): void => {
      const pcm = skip > 0 ? out.subarray(Math.min(skip, out.length)) : out;
      skip -= out.length - pcm.length;
      if (pcm.length === 0) return;
      this.#alive();
      if (turn.heard !== undefined) throw new Stopped();
      this.#playout!.send(int16ToPcm16le(pcm));
      segment.audioMs += (pcm.length * 1000) / VOICE_SAMPLE_RATE;
      if (clock) clock.firstAudioSent ??= this.#now();
    };
    try {
      for await (const chunk of this.#clients.tts.speech({ model: tts.model, voice: tts.voice, input: text }, { signal: turn.signal })) {
        if (clock) clock.ttsFirstAudio ??= this.#now();
        send(resampler.process(pcm16leToInt16(chunk)));
      }
    } catch (err) {
      if (err instanceof Stopped || this.#closed || turn.heard !== undefined) throw new Stopped();
      throw vendorFailure('tts', err);
    }
    send(resampler.flush());
    segment.done = true;
    this.#playout!.segmentEnd();
  }

  /** Starts an agent turn; one still playing is complete (its audio is queued before this one's). */
  #beginTurn(): AgentTurn {
    this.#alive();
    if (this.#turn !== undefined) this.#playedOut();
    const controller = new AbortController();
    const turn: AgentTurn = { controller, signal: AbortSignal.any([this.#ctx.signal, controller.signal]), segments: [] };
    this.#turn = turn;
    this.#segments = turn.segments;
    this.#playout!.begin();
    return turn;
  }

  /** The turn's text is complete and spoken: it joins the history; its transcript follows once played. */
  #generated(turn: AgentTurn, text: string): void {
    this.#alive();
    if (turn.heard !== undefined || this.#turn !== turn) return;
    turn.message = { role: 'assistant', content: text };
    this.#history.push(turn.message);
    this.#playout!.end();
  }

  /** The current turn's audio has all been played: its transcript is final. */
  #playedOut(): void {
    const turn = this.#turn;
    if (turn === undefined) return;
    this.#turn = undefined;
    this.#playout?.close();
    this.#interruptions?.agentStopped();
    const text = turn.message?.content ?? '';
    if (text !== '') this.#io?.emit({ type: 'transcript', data: { role: 'agent', text, final: true } });
  }

  #interruptionDetector(vad: Vad, enabled: boolean): InterruptionDetector {
    const threshold = this.#config.vad?.threshold ?? VAD_DEFAULTS.threshold;
    return new InterruptionDetector({
      enabled,
      minDurationMs: this.#config.interruption?.min_duration_ms ?? VOICE_DEFAULTS.interruptionMinDurationMs,
      onsetMs: VOICE_DEFAULTS.interruptionOnsetMs,
      threshold,
      stopThreshold: Math.max(0.01, threshold - VAD_DEFAULTS.stopThresholdOffset),
      minSilenceMs: this.#config.vad?.min_silence_ms ?? VOICE_DEFAULTS.vadMinSilenceMs,
      resumeAfterMs: DEFAULT_BARGE_IN.resumeAfterMs,
      windowMs: vad.engine === VadEngine.WebRtc ? WEBRTC_FRAME_MS : (SILERO_WINDOWS[VOICE_SAMPLE_RATE].window * 1000) / VOICE_SAMPLE_RATE,
    });
  }

  /** Barge-in on one VAD result: pause, resume or interrupt the agent's turn. */
  #bargeIn(events: readonly VadEvent[]): void {
    const playout = this.#playout;
    const detector = this.#interruptions;
    if (playout === null || detector === null) return;
    playout.pump();
    if (this.#turn !== undefined && playout.playedOut) this.#playedOut();
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
    turn.heard = heardText(spokenSoFar(turn.segments), heardMs).text;
    turn.controller.abort();
    if (turn.message !== undefined) {
      // The reply was complete: its history entry becomes what was heard (or goes, if nothing was).
      if (turn.heard === '') this.#history.splice(this.#history.indexOf(turn.message), 1);
      else turn.message.content = turn.heard;
    } else if (turn.heard !== '') {
      turn.message = { role: 'assistant', content: turn.heard };
      this.#history.push(turn.message);
    }
    this.#log.info({ heard_ms: Math.round(heardMs), spoken_ms: Math.round(sentMs), speech_ms: Math.round(speechMs) }, 'caller interrupted the agent');
    if (sentMs > 0) io.emit({ type: 'transcript', data: { role: 'agent', text: turn.heard, final: true, interrupted: true } });
  }

  #emitLatency(io: AgentIO, clock: TurnClock): void {
    const since = (t: number | undefined): number | undefined => (t === undefined ? undefined : Math.round(t - clock.endOfSpeech));
    const metrics: Array<[string, number | undefined]> = [
      ['stt_latency_ms', since(clock.sttFinal)],
      ['llm_first_token_ms', since(clock.llmFirstToken)],
      ['tts_first_audio_ms', since(clock.ttsFirstAudio)],
      ['first_audio_sent_ms', since(clock.firstAudioSent)],
    ];
    for (const [name, value] of metrics) if (value !== undefined) io.emit({ type: 'metric', data: { name, value, unit: 'ms' } });
  }
}

/**
 * The turn's segments for `heardText`. A segment still being synthesized gets the length its text
 * would have at the pace of the turn's complete segments (its audio so far when there are none).
 */
function spokenSoFar(segments: readonly TurnSegment[]): SpokenSegment[] {
  let ms = 0;
  let chars = 0;
  for (const s of segments) {
    if (!s.done) continue;
    ms += s.audioMs;
    chars += s.text.length;
  }
  const msPerChar = chars > 0 ? ms / chars : 0;
  return segments.map((s) => ({ text: s.text, audioMs: s.done ? s.audioMs : Math.max(s.audioMs, s.text.length * msPerChar) }));
}
