import type { AgentEngineFactory, AgentIO, AgentSession, AgentSessionContext } from '../engine/types.ts';

/** Options of {@link ProbeEngine}. */
export interface ProbeOptions {
  sampleRate?: number;
  /** Runs in `start`; a throw or rejection is an engine failure. */
  onStart?: (session: ProbeSession) => void | Promise<void>;
  /** Echo caller audio back (default false: record only). */
  echo?: boolean;
}

/** A test engine that records everything it is given and lets the test drive its {@link AgentIO}. */
export class ProbeEngine implements AgentEngineFactory {
  readonly sessions: ProbeSession[] = [];
  constructor(private readonly options: ProbeOptions = {}) {}

  create(ctx: AgentSessionContext): AgentSession {
    const session = new ProbeSession(ctx.runId, this.options);
    this.sessions.push(session);
    return session;
  }

  get last(): ProbeSession {
    const s = this.sessions.at(-1);
    if (!s) throw new Error('no session yet');
    return s;
  }
}

export class ProbeSession implements AgentSession {
  readonly sampleRate: number;
  readonly dtmf: string[] = [];
  readonly played: string[] = [];
  samplesIn = 0;
  closed = 0;
  private ioRef: AgentIO | null = null;

  constructor(
    readonly runId: string,
    private readonly options: ProbeOptions,
  ) {
    this.sampleRate = options.sampleRate ?? 8000;
  }

  get io(): AgentIO {
    if (!this.ioRef) throw new Error('not started');
    return this.ioRef;
  }

  start(io: AgentIO): void | Promise<void> {
    this.ioRef = io;
    return this.options.onStart?.(this);
  }

  onAudio(pcm: Int16Array): void {
    this.samplesIn += pcm.length;
    if (this.options.echo) this.io.sendAudio(pcm);
  }

  onDtmf(digit: string): void {
    this.dtmf.push(digit);
  }

  onPlayed(mark: string): void {
    this.played.push(mark);
  }

  close(): void {
    this.closed++;
  }
}
