import type { CallInfo, ClearResult, SessionCloseInfo } from '@vr3/agent';
import type { MediaFormat } from '@vr3/protocol';
import type { BridgeConfig } from '../spec.ts';
import { VR3_PROTOCOL_VERSION, parseVr3BotFrame, vr3Format } from '../vr3-protocol.ts';
import type { Vr3ServerFrame, Vr3StartFrame } from '../vr3-protocol.ts';
import type { BotCommand, BotProtocol } from './bot-protocol.ts';

/** Default rate of `vr3` streams. */
export const VR3_DEFAULT_SAMPLE_RATE = 16_000;

/** `vr3`: our own protocol (see `vr3-protocol.ts`): JSON control, binary PCM16 LE audio at `sample_rate` (default 16000). */
export class Vr3BotProtocol implements BotProtocol {
  readonly name = 'vr3';
  readonly format: MediaFormat;
  readonly #start: Vr3StartFrame;

  constructor(config: BridgeConfig, call: CallInfo) {
    this.format = vr3Format(config.sample_rate ?? VR3_DEFAULT_SAMPLE_RATE);
    this.#start = {
      event: 'start',
      version: VR3_PROTOCOL_VERSION,
      run_id: call.runId,
      run_name: call.runName,
      agent_uuid: call.agentUuid,
      provider: call.provider,
      ...(call.callId === undefined ? {} : { call_id: call.callId }),
      stream_id: call.streamId,
      ...(call.from === undefined ? {} : { from: call.from }),
      ...(call.to === undefined ? {} : { to: call.to }),
      custom_parameters: { ...call.customParameters, ...config.custom_parameters },
      initial_context: { ...call.initialContext },
      media_format: { encoding: 'pcm16le', sample_rate: this.format.sampleRate, channels: 1 },
    };
  }

  opening(): string[] {
    return [send(this.#start)];
  }

  /** Binary PCM16 LE, as is (the socket copies it while masking). */
  audio(chunk: Uint8Array): Uint8Array {
    return chunk;
  }

  dtmf(digit: string): string {
    return send({ event: 'dtmf', digit });
  }

  played(name: string, cut: boolean): string {
    return send(cut ? { event: 'mark', name, cleared: true } : { event: 'mark', name });
  }

  cleared(result: ClearResult): string {
    return send({ event: 'cleared', heard_ms: Math.round(result.heardMs), discarded_ms: Math.round(result.discardedMs) });
  }

  stop(info: SessionCloseInfo): string {
    return send({ event: 'stop', reason: info.endReason });
  }

  parse(data: Buffer, isBinary: boolean): BotCommand | null {
    if (isBinary) return { type: 'audio', audio: data };
    const frame = parseVr3BotFrame(data);
    if (frame === null) return null;
    switch (frame.event) {
      case 'mark':
        return { type: 'mark', name: frame.name };
      case 'clear':
        return { type: 'clear' };
      case 'hangup':
        return frame.reason === undefined ? { type: 'hangup' } : { type: 'hangup', reason: frame.reason };
      case 'transfer':
        return { type: 'transfer', target: frame.target };
      case 'set_context':
        return { type: 'set_context', values: frame.values };
      case 'event':
        return { type: 'event', data: frame.data };
    }
  }
}

const send = (frame: Vr3ServerFrame): string => JSON.stringify(frame);
