import type { AgentIO, AgentSession, Engine, EngineSpec, SessionCloseInfo, SessionContext } from '@vr3/agent';
import type { MediaFormat } from '@vr3/protocol';
import { z } from 'zod';

/** Options of {@link ProbeEngine}. */
export interface ProbeOptions {
  /** Engine type it registers as (default `echo`, the harness's admitted engine). */
  type?: string;
  /** Config schema (default: `{type}` and anything else). */
  configSchema?: z.ZodType<{ type: string }>;
  /** Session format (default PCM16 LE at `sampleRate`). */
  format?: MediaFormat;
  /** PCM16 LE rate when no `format` is given (default 8000). */
  sampleRate?: number;
  /** Runs in `start`; a throw or rejection is an engine failure. */
  onStart?: (session: ProbeSession) => void | Promise<void>;
  /** Runs in `close`; its promise is what the edge waits for. */
  onClose?: (session: ProbeSession, info: SessionCloseInfo) => void | Promise<void>;
  /** Thrown by `createSession`. */
  createError?: Error;
  /** Echo caller audio back (default false: record only). */
  echo?: boolean;
  /** Keep a copy of every caller audio chunk (default false: count bytes only). */
  keepAudio?: boolean;
}

/** PCM16 LE bytes of `samples` (a view: no copy). */
export function pcmBytes(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** A test engine that records everything it is given and lets the test drive its {@link AgentIO}. */
export class ProbeEngine implements Engine<{ type: string }> {
  readonly spec: EngineSpec<{ type: string }>;
  readonly sessions: ProbeSession[] = [];

  constructor(private readonly options: ProbeOptions = {}) {
    const type = options.type ?? 'echo';
    this.spec = { type, configSchema: options.configSchema ?? z.looseObject({ type: z.literal(type) }), secretFields: [], description: 'test probe' };
  }

  createSession(ctx: SessionContext<{ type: string }>): AgentSession {
    if (this.options.createError) throw this.options.createError;
    const session = new ProbeSession(ctx, this.options);
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
  readonly format: MediaFormat;
  readonly dtmf: string[] = [];
  readonly played: string[] = [];
  readonly audio: Uint8Array[] = [];
  readonly closes: SessionCloseInfo[] = [];
  bytesIn = 0;
  /** Whether the signal had fired when `close` was called. */
  abortedAtClose: boolean | null = null;
  private ioRef: AgentIO | null = null;

  constructor(
    readonly ctx: SessionContext<{ type: string }>,
    private readonly options: ProbeOptions,
  ) {
    this.format = options.format ?? { encoding: 'pcm16le', sampleRate: options.sampleRate ?? 8000 };
  }

  get io(): AgentIO {
    if (!this.ioRef) throw new Error('not started');
    return this.ioRef;
  }

  get closed(): number {
    return this.closes.length;
  }

  /** Samples received, for a PCM16 session. */
  get samplesIn(): number {
    return this.bytesIn / 2;
  }

  start(io: AgentIO): void | Promise<void> {
    this.ioRef = io;
    return this.options.onStart?.(this);
  }

  onAudio(audio: Uint8Array): void {
    this.bytesIn += audio.length;
    if (this.options.keepAudio) this.audio.push(Uint8Array.from(audio));
    if (this.options.echo) this.io.sendAudio(audio);
  }

  onDtmf(digit: string): void {
    this.dtmf.push(digit);
  }

  onPlayed(mark: string): void {
    this.played.push(mark);
  }

  close(info: SessionCloseInfo): void | Promise<void> {
    this.abortedAtClose = this.ctx.signal.aborted;
    this.closes.push(info);
    return this.options.onClose?.(this, info);
  }
}
