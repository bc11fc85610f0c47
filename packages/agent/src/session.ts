import type { MediaFormat } from '@vr3/protocol';
import type { RunEventInput } from './run-events.ts';

/** What an engine knows about its call, fixed once the provider's `start` has been accepted. */
export interface CallInfo {
  /** The run's id and public name (`WR-AGS-…`). */
  readonly runId: string;
  readonly runName: string;
  /** The agent's stable public UUID. */
  readonly agentUuid: string;
  /** Telephony provider the call came from (`cloudonix`, `twilio`, …). */
  readonly provider: string;
  /** Caller and called numbers, where the provider or the stream URL gave them (personal data: never log). */
  readonly from?: string;
  readonly to?: string;
  /** Provider call id and stream id. */
  readonly callId?: string;
  readonly streamId: string;
  /** The provider's custom parameters (TwiML `<Parameter>`, Exotel `custom_parameters`, Vobiz extra headers). */
  readonly customParameters: Readonly<Record<string, string>>;
  /** The run's `initial_context` as minted. */
  readonly initialContext: Readonly<Record<string, unknown>>;
  /** Wire format of the caller's audio on the provider socket. */
  readonly callerFormat: MediaFormat;
}

/**
 * What the caller has actually heard of the agent's audio, in milliseconds of audio since the
 * session started. `heardMs() ≤ sentMs()`; the difference is queued at the edge or still buffered
 * at the provider. Advances with the real-time pacer and is corrected by the provider's playback
 * marks where it sends them.
 */
export interface PlaybackClock {
  /** Agent audio handed to the provider so far. */
  sentMs(): number;
  /** Agent audio the caller has heard so far. */
  heardMs(): number;
  /** Agent audio queued at the edge or buffered at the provider, not yet heard. */
  pendingMs(): number;
}

/** What {@link AgentIO.clear} cut off. */
export interface ClearResult {
  /** Playback position (of {@link PlaybackClock.heardMs}) at the moment of the clear. */
  readonly heardMs: number;
  /** Agent audio that had been given to `sendAudio` but will now never be heard. */
  readonly discardedMs: number;
}

/** Why a session is closed. */
export interface SessionCloseInfo {
  /** The run's end reason (`caller_hangup`, `agent_hangup`, `api_hangup`, `transfer`, …). */
  readonly endReason: string;
  /** The provider's own reason for the stop, where it sent one (Exotel `stop.reason`). */
  readonly stopReason?: string;
}

/**
 * What an engine session may do to its call. Every method is a no-op once the call has ended,
 * except {@link emit} and {@link setContext}, which are taken until {@link AgentSession.close}
 * settles (an engine's last events and counters are stored before the run's terminal state).
 * Audio is in the session's {@link AgentSession.format}.
 */
export interface AgentIO {
  /** Queues agent audio (whole samples) for real-time playback to the caller. */
  sendAudio(audio: Uint8Array): void;
  /** Drops queued audio and asks the provider to drop what it has buffered (barge-in). */
  clear(): ClearResult;
  /** A playback marker placed after the audio queued so far; `onPlayed(name)` follows once the caller heard it (or it was cleared). */
  mark(name: string): void;
  /** Ends the call: the provider hangs up once the queued audio has been played. */
  hangup(reason?: string): void;
  /** Hands the call to `target` (provider-specific: CXML, TwiML, a URL, a number) once queued audio has played. */
  transfer(target: string): void;
  /**
   * Ends the call as failed. An {@link EngineError} chooses the end reason (`agent_unreachable`,
   * `agent_disconnected`, `agent_error`); anything else is `agent_error`.
   */
  fail(err: Error): void;
  /** Stores a run event (transcript line, tool call, metric, variables, log) on the run, in order. */
  emit(event: RunEventInput): void;
  /**
   * Counts `frames` of caller audio the engine had to drop (a remote end that does not keep up); they
   * show in the run's `frames_dropped`.
   */
  dropped(frames?: number): void;
  /** Merges `values` into the run's `gathered_context` (and records a `context` run event). */
  setContext(values: Readonly<Record<string, unknown>>): void;
  /** How much agent audio the caller has heard. */
  readonly playback: PlaybackClock;
}

/** One agent conversation, bound to one run. */
export interface AgentSession {
  /**
   * Audio format of {@link onAudio} input and {@link AgentIO.sendAudio} output. Usually PCM16 LE at
   * the engine's rate; a session may ask for the caller's own wire format to receive its bytes untouched.
   */
  readonly format: MediaFormat;
  /** Called once the run is `running`, with the caller audio that arrived before it already queued behind. A rejection fails the call. */
  start(io: AgentIO): void | Promise<void>;
  /** Caller audio in {@link format}. The bytes are only valid during the call: copy them to keep them. */
  onAudio(audio: Uint8Array): void;
  /** A DTMF digit pressed by the caller. */
  onDtmf(digit: string): void;
  /** The caller heard (or a clear dropped) everything sent before mark `name`. */
  onPlayed(mark: string): void;
  /**
   * The call is over: release everything. Called exactly once; the session's `signal` has fired
   * before. The edge waits for the returned promise at most its close deadline.
   */
  close(info: SessionCloseInfo): void | Promise<void>;
}

/** Structured logger an engine writes to (pino's `Logger` fits). Never log audio, transcripts or secrets outside `pii`. */
export interface EngineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Everything a session is created with. */
export interface SessionContext<C> {
  /** The engine's configuration, validated by its schema, with its secrets (in memory only). */
  readonly config: C;
  readonly call: CallInfo;
  /** Fires when the call ends, before {@link AgentSession.close}. */
  readonly signal: AbortSignal;
  readonly logger: EngineLogger;
}
