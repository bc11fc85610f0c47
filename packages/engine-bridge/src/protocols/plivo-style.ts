import type { CallInfo, ClearResult, SessionCloseInfo } from '@vr3/agent';
import { MULAW_8K } from '@vr3/protocol';
import type { MediaFormat } from '@vr3/protocol';
import { PLIVO_STYLE_BOT_DIALECTS, PlivoStyleBotWire } from '@vr3/providers';
import type { BridgeConfig } from '../spec.ts';
import { providerBotCommand, type BotCommand, type BotProtocol } from './bot-protocol.ts';
import { botAccountId, botCustomParameters } from './bot-identity.ts';

/**
 * `vobiz`, `plivo`: the bridge plays that provider's `<Stream bidirectional="true">` side toward
 * the bot (`start` in both documented shapes, `media`, `dtmf`, `playedStream`, `clearedAudio`, and
 * at the end Vobiz's `stop {reason}` before the close — Plivo only closes) and reads the bot's
 * `playAudio`, `checkpoint`, `clearAudio` and `stop`. μ-law 8 kHz by default, or L16 at `sample_rate` with `encoding: "l16"`: sent big-endian
 * and read little-endian, as Vobiz documents. Checkpoints cut by a clear are never answered.
 */
export class PlivoStyleBotProtocol implements BotProtocol {
  readonly format: MediaFormat;
  readonly #wire: PlivoStyleBotWire;
  /** Caller audio must be byte-swapped toward the bot (L16 sent big-endian). */
  readonly #swap: boolean;
  #scratch = Buffer.alloc(0);

  constructor(
    readonly name: 'vobiz' | 'plivo',
    config: BridgeConfig,
    call: CallInfo,
  ) {
    const dialect = PLIVO_STYLE_BOT_DIALECTS[name];
    const announced: MediaFormat = config.encoding === 'l16' ? { encoding: 'pcm16le', sampleRate: config.sample_rate ?? 8000 } : { ...MULAW_8K };
    this.#wire = new PlivoStyleBotWire(dialect, {
      ...dialect.newIds(),
      accountId: botAccountId(name, call),
      from: call.from,
      to: call.to,
      customParameters: botCustomParameters(config, call),
      format: announced,
    });
    this.format = this.#wire.botFormat;
    this.#swap = this.#wire.callerFormat.encoding !== this.format.encoding;
  }

  opening(): string[] {
    return [this.#wire.start()];
  }

  audio(chunk: Uint8Array): string {
    if (!this.#swap) return this.#wire.media(chunk);
    const n = chunk.byteLength & ~1;
    if (this.#scratch.length < n) this.#scratch = Buffer.allocUnsafe(Math.max(n, 2 * this.#scratch.length));
    const out = this.#scratch;
    for (let i = 0; i < n; i += 2) {
      out[i] = chunk[i + 1]!;
      out[i + 1] = chunk[i]!;
    }
    return this.#wire.media(out.subarray(0, n));
  }

  dtmf(digit: string): string {
    return this.#wire.dtmf(digit);
  }

  played(name: string, cut: boolean): string | null {
    return cut ? null : this.#wire.played(name);
  }

  cleared(_result: ClearResult): string {
    return this.#wire.cleared();
  }

  stop(info: SessionCloseInfo): string | null {
    return this.#wire.stop(info.endReason === 'caller_hangup' || info.endReason === 'stream_closed' ? 'call_ended' : 'stream_stopped');
  }

  parse(data: Buffer, isBinary: boolean): BotCommand | null {
    const event = this.#wire.parse(data, isBinary);
    return event === null ? null : providerBotCommand(event, true);
  }
}
