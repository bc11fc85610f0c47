import type { CallEvent, MediaFormat, StartEvent } from '@vr3/protocol';
import { getProvider } from '@vr3/providers';
import type { StreamAdapter } from '@vr3/providers';
import type { BridgeProtocol } from '../spec.ts';
import { parseVr3ServerFrame, vr3Format } from '../vr3-protocol.ts';
import type { Vr3BotFrame } from '../vr3-protocol.ts';

/**
 * The bot's side of a bridge protocol: reads what the bridge sends as normalized call events and
 * builds the bot's audio, mark and clear frames. For the provider protocols this is exactly what
 * the product does as a provider's stream server (its own stream adapters); `vr3` reads our frames.
 */
export interface BotSideCodec {
  readonly protocol: BridgeProtocol;
  /** One frame from the bridge; `start` fixes the formats. Throws on a frame the protocol does not allow. */
  parse(data: Buffer, isBinary: boolean): CallEvent | null;
  /** Format of the caller audio in `media` events. */
  callerFormat(): MediaFormat;
  /** Format the bot's audio must be in. */
  botFormat(): MediaFormat;
  audio(bytes: Uint8Array): string | Buffer;
  mark(name: string): string;
  clear(): string;
}

class AdapterCodec implements BotSideCodec {
  readonly #adapter: StreamAdapter;

  constructor(readonly protocol: Exclude<BridgeProtocol, 'vr3'>) {
    this.#adapter = getProvider(protocol)!.createStreamAdapter();
  }

  parse(data: Buffer, isBinary: boolean): CallEvent | null {
    const event = this.#adapter.parse(data, isBinary);
    if (event?.type === 'start') this.#adapter.bind(event);
    return event;
  }

  callerFormat(): MediaFormat {
    return this.#adapter.inboundFormat();
  }

  botFormat(): MediaFormat {
    return this.#adapter.outboundFormat();
  }

  audio(bytes: Uint8Array): string {
    return this.#adapter.media(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  mark(name: string): string {
    return this.#adapter.mark(name);
  }

  clear(): string {
    return this.#adapter.clear();
  }
}

class Vr3Codec implements BotSideCodec {
  readonly protocol = 'vr3';
  #format: MediaFormat = vr3Format(16_000);

  parse(data: Buffer, isBinary: boolean): CallEvent | null {
    if (isBinary) return { type: 'media', payload: data };
    const frame = parseVr3ServerFrame(data);
    switch (frame?.event) {
      case undefined:
        return null;
      case 'start': {
        this.#format = vr3Format(frame.media_format.sample_rate);
        const start: StartEvent = {
          type: 'start',
          streamId: frame.stream_id,
          customParameters: frame.custom_parameters,
          mediaFormat: this.#format,
          metadata: { ...frame },
        };
        if (frame.call_id !== undefined) start.callId = frame.call_id;
        if (frame.from !== undefined) start.from = frame.from;
        if (frame.to !== undefined) start.to = frame.to;
        return start;
      }
      case 'dtmf':
        return { type: 'dtmf', digit: frame.digit };
      case 'mark':
        return { type: 'mark', name: frame.name };
      case 'cleared':
        return { type: 'cleared' };
      case 'stop':
        return { type: 'stop', reason: frame.reason };
    }
  }

  callerFormat(): MediaFormat {
    return this.#format;
  }

  botFormat(): MediaFormat {
    return this.#format;
  }

  audio(bytes: Uint8Array): Buffer {
    return Buffer.from(bytes);
  }

  mark(name: string): string {
    return JSON.stringify({ event: 'mark', name } satisfies Vr3BotFrame);
  }

  clear(): string {
    return JSON.stringify({ event: 'clear' } satisfies Vr3BotFrame);
  }
}

/** The bot side of `protocol`. */
export function createBotSideCodec(protocol: BridgeProtocol): BotSideCodec {
  return protocol === 'vr3' ? new Vr3Codec() : new AdapterCodec(protocol);
}
