import type { AgentIO, AgentSession, Engine, SessionCloseInfo } from '@vr3/agent';
import type { MediaFormat } from '@vr3/protocol';
import { echoEngineSpec, type EchoConfig } from './spec.ts';

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
export function createEchoEngine(options: EchoEngineOptions = {}): Engine<EchoConfig> {
  const defaultRate = options.sampleRate ?? 16_000;
  return {
    spec: echoEngineSpec,
    createSession: (ctx) => new EchoSession({ encoding: 'pcm16le', sampleRate: ctx.config.sample_rate ?? defaultRate }, ctx.config.hangup_dtmf),
  };
}

class EchoSession implements AgentSession {
  private io: AgentIO | null = null;

  constructor(
    readonly format: MediaFormat,
    private readonly hangupDtmf: string | undefined,
  ) {}

  start(io: AgentIO): void {
    this.io = io;
  }

  onAudio(audio: Uint8Array): void {
    this.io?.sendAudio(audio);
  }

  onDtmf(digit: string): void {
    if (digit === this.hangupDtmf) this.io?.hangup('hangup digit');
  }

  onPlayed(): void {}

  close(_info: SessionCloseInfo): void {
    this.io = null;
  }
}
