import type { MediaFormat } from '@vr3/protocol';
import type { RunEventInput } from '../run-events.ts';
import type { AgentIO, AgentSession, CallInfo, ClearResult, EngineLogger, PlaybackClock, SessionContext } from '../session.ts';

/** A call's identity for engine tests; override what the test cares about. */
export function testCallInfo(overrides: Partial<CallInfo> = {}): CallInfo {
  return {
    runId: 'run-test-1',
    runName: 'WR-AGS-TEST0001',
    agentUuid: '00000000-0000-4000-8000-000000000001',
    provider: 'twilio',
    from: '+15551230001',
    to: '+15551230002',
    callId: 'CA-test-call',
    streamId: 'MZ-test-stream',
    customParameters: {},
    initialContext: {},
    callerFormat: { encoding: 'mulaw', sampleRate: 8000 },
    ...overrides,
  };
}

/** A logger that keeps what it is given, for assertions on structured fields. */
export class RecordingLogger implements EngineLogger {
  readonly lines: Array<{ level: string; obj: object; msg: string | undefined }> = [];
  debug(obj: object, msg?: string): void {
    this.lines.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }
}

/**
 * An {@link AgentIO} that records everything an engine does, with a playback clock the test moves
 * ({@link play}). Marks are reported to the session by {@link ackMarks} (or at once with `autoAck`).
 */
export class RecordingIO implements AgentIO {
  readonly audio: Uint8Array[] = [];
  readonly marks: string[] = [];
  readonly events: RunEventInput[] = [];
  readonly contexts: Array<Record<string, unknown>> = [];
  hangups: Array<string | undefined> = [];
  transfers: string[] = [];
  failures: Error[] = [];
  clears = 0;
  droppedFrames = 0;
  private sent = 0;
  private heard = 0;
  private session: AgentSession | null = null;
  private pendingMarks: string[] = [];
  private readonly bytesPerMs: number;
  readonly playback: PlaybackClock = {
    sentMs: () => this.sent,
    heardMs: () => this.heard,
    pendingMs: () => this.sent - this.heard,
  };

  constructor(
    format: MediaFormat,
    private readonly options: { autoAck?: boolean } = {},
  ) {
    this.bytesPerMs = (format.sampleRate / 1000) * (format.encoding === 'mulaw' || format.encoding === 'alaw' ? 1 : 2);
  }

  /** Binds the session whose `onPlayed` receives mark acknowledgements. */
  attach(session: AgentSession): void {
    this.session = session;
  }

  sendAudio(audio: Uint8Array): void {
    this.audio.push(Uint8Array.from(audio));
    this.sent += audio.byteLength / this.bytesPerMs;
  }

  clear(): ClearResult {
    this.clears++;
    const result = { heardMs: this.heard, discardedMs: this.sent - this.heard };
    this.sent = this.heard;
    const dropped = this.pendingMarks;
    this.pendingMarks = [];
    for (const name of dropped) this.session?.onPlayed(name);
    return result;
  }

  mark(name: string): void {
    this.marks.push(name);
    if (this.options.autoAck) this.session?.onPlayed(name);
    else this.pendingMarks.push(name);
  }

  hangup(reason?: string): void {
    this.hangups.push(reason);
  }

  transfer(target: string): void {
    this.transfers.push(target);
  }

  fail(err: Error): void {
    this.failures.push(err);
  }

  emit(event: RunEventInput): void {
    this.events.push(event);
  }

  dropped(frames = 1): void {
    this.droppedFrames += frames;
  }

  setContext(values: Readonly<Record<string, unknown>>): void {
    this.contexts.push({ ...values });
  }

  /** The caller heard `ms` more of what was sent (capped at what was sent). */
  play(ms: number): void {
    this.heard = Math.min(this.sent, this.heard + ms);
  }

  /** Acknowledges every pending mark, in order (everything before them played). */
  ackMarks(): void {
    this.heard = this.sent;
    const marks = this.pendingMarks;
    this.pendingMarks = [];
    for (const name of marks) this.session?.onPlayed(name);
  }

  /** Every audio byte sent so far, concatenated. */
  audioBytes(): Buffer {
    return Buffer.concat(this.audio);
  }
}

/** A {@link SessionContext} for engine tests, with an abort controller the test fires to end the call. */
export function testSessionContext<C>(config: C, call: Partial<CallInfo> = {}): SessionContext<C> & { controller: AbortController; logger: RecordingLogger } {
  const controller = new AbortController();
  return { config, call: testCallInfo(call), signal: controller.signal, logger: new RecordingLogger(), controller };
}
