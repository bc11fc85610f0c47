import type { CallInfo, SessionCloseInfo } from '@vr3/agent';
import { MULAW_8K } from '@vr3/protocol';
import type { MediaFormat } from '@vr3/protocol';
import { TWILIO_STYLE_BOT_DIALECTS, TwilioStyleBotWire } from '@vr3/providers';
import type { BridgeConfig } from '../spec.ts';
import { providerBotCommand, type BotCommand, type BotProtocol } from './bot-protocol.ts';
import { botAccountId, botCustomParameters } from './bot-identity.ts';

/**
 * `twilio`, `cloudonix`, `exotel`: the bridge plays that provider's Media Streams side toward the
 * bot (`connected`, `start`, `media`, `dtmf`, `mark` echoes, `stop`) and reads the bot's `media`,
 * `mark` and `clear`. Twilio and Cloudonix are μ-law 8 kHz; Exotel PCM16 LE at `sample_rate`
 * (default 8000). Marks cut by a clear are echoed, as Twilio flushes them back.
 */
export class TwilioStyleBotProtocol implements BotProtocol {
  readonly format: MediaFormat;
  readonly #wire: TwilioStyleBotWire;

  constructor(
    readonly name: 'twilio' | 'cloudonix' | 'exotel',
    config: BridgeConfig,
    call: CallInfo,
  ) {
    this.format = name === 'exotel' ? { encoding: 'pcm16le', sampleRate: config.sample_rate ?? 8000 } : { ...MULAW_8K };
    const dialect = TWILIO_STYLE_BOT_DIALECTS[name];
    const ids = dialect.newIds();
    this.#wire = new TwilioStyleBotWire(dialect, {
      ...ids,
      accountId: botAccountId(name, call),
      from: call.from,
      to: call.to,
      customParameters: botCustomParameters(config, call),
      format: this.format,
    });
  }

  opening(): string[] {
    return [this.#wire.connected(), this.#wire.start()];
  }

  audio(chunk: Uint8Array): string {
    return this.#wire.media(chunk);
  }

  audioText(chunk: Uint8Array): Buffer {
    return this.#wire.mediaBytes(chunk);
  }

  dtmf(digit: string): string {
    return this.#wire.dtmf(digit);
  }

  played(name: string): string {
    return this.#wire.mark(name);
  }

  cleared(): null {
    return null;
  }

  /** Exotel's reason: `callended` when the caller hung up, `stopped` otherwise. */
  stop(info: SessionCloseInfo): string {
    return this.#wire.stop(info.endReason === 'caller_hangup' ? 'callended' : 'stopped');
  }

  parse(data: Buffer, isBinary: boolean): BotCommand | null {
    const event = this.#wire.parse(data, isBinary);
    return event === null ? null : providerBotCommand(event, false);
  }
}
