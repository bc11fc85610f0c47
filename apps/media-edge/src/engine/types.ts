import type { EngineConfig } from '@vr3/protocol';
import type { Logger } from 'pino';

/** What an engine session may do to its call. Every method is a no-op once the call has ended. */
export interface AgentIO {
  /** Queues agent audio (PCM16 at the session's `sampleRate`) for real-time playback to the caller. */
  sendAudio(pcm: Int16Array): void;
  /** Drops queued audio and asks the provider to drop what it has buffered (barge-in). */
  clear(): void;
  /** A playback marker, sent after the audio queued before it; `onPlayed(name)` follows once played. */
  mark(name: string): void;
  /** Ends the call: the provider hangs up after the queued audio has been played. */
  hangup(reason?: string): void;
  /** Hands the call to `target` (provider-specific, e.g. CXML for Cloudonix); the stream then ends. */
  transfer(target: string): void;
  /** Reports an unrecoverable engine failure: the call ends `failed` with `agent_error`. */
  fail(err: Error): void;
}

/** One agent conversation, bound to one run. */
export interface AgentSession {
  /** PCM16 sample rate of `onAudio` input and `sendAudio` output. */
  readonly sampleRate: number;
  /** Called once the run is `running`. A rejection ends the call with `agent_error`. */
  start(io: AgentIO): void | Promise<void>;
  /** Caller audio, PCM16 at `sampleRate`. The array is only valid during the call: copy it to keep it. */
  onAudio(pcm: Int16Array): void;
  /** A DTMF digit pressed by the caller. */
  onDtmf(digit: string): void;
  /** The provider has played (or cleared) everything sent before mark `name`. */
  onPlayed(mark: string): void;
  /** The call is over; release everything. Called exactly once. */
  close(): void;
}

/** Per-run context handed to an engine factory. */
export interface AgentSessionContext {
  runId: string;
  config: EngineConfig;
  logger: Logger;
}

/** Creates a session per run for one engine type. */
export interface AgentEngineFactory {
  create(ctx: AgentSessionContext): AgentSession;
}

/** Engine factories by `EngineConfig.type`. */
export type AgentEngineRegistry = Partial<Record<EngineConfig['type'], AgentEngineFactory>>;
