import type { AgentEngineFactory, AgentIO, AgentSession } from './types.ts';

/** Options of {@link createEchoEngine}. */
export interface EchoEngineOptions {
  /**
   * PCM16 rate sessions work at unless the agent's engine config sets `sample_rate`. The default,
   * 16000, differs from telephony's 8000 so every echo exercises both resamplers, as a real agent
   * engine would.
   */
  sampleRate?: number;
}

/**
 * The `echo` engine: plays the caller's audio straight back. For diagnostics and benchmarks.
 * With `hangup_dtmf` in its engine config, that digit makes the agent hang up.
 */
export function createEchoEngine(options: EchoEngineOptions = {}): AgentEngineFactory {
  const defaultRate = options.sampleRate ?? 16_000;
  return {
    create: (ctx) => {
      const config = ctx.config.type === 'echo' ? ctx.config : undefined;
      return new EchoSession(config?.sample_rate ?? defaultRate, config?.hangup_dtmf);
    },
  };
}

class EchoSession implements AgentSession {
  private io: AgentIO | null = null;

  constructor(
    readonly sampleRate: number,
    private readonly hangupDtmf: string | undefined,
  ) {}

  start(io: AgentIO): void {
    this.io = io;
  }

  onAudio(pcm: Int16Array): void {
    this.io?.sendAudio(pcm);
  }

  onDtmf(digit: string): void {
    if (digit === this.hangupDtmf) this.io?.hangup('hangup digit');
  }

  onPlayed(): void {}

  close(): void {
    this.io = null;
  }
}
