import { twilioBotDialect } from '../twilio-style/bot-wire.ts';
import type { BotStreamCall } from '../bot-wire.ts';
import type { MediaClientOptions } from './media-client.ts';
import { openSocket } from './media-socket.ts';
import type { OpenedSocket } from './media-socket.ts';
import { TwilioStyleMediaClient } from './twilio-style-media-client.ts';

/** A generated Twilio account SID (`AC` + 32 hex). */
export const TEST_TWILIO_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;

/**
 * A fake Twilio Media Streams peer (`<Connect><Stream>`): `connected` (protocol `Call` 1.0.0),
 * `start` with `accountSid`, `callSid`, `tracks`, μ-law 8 kHz `mediaFormat` and the `<Parameter>`s
 * as `customParameters` (caller and called numbers go there as `from`/`to`, since Twilio's `start`
 * has none), `media` with string counters, `dtmf`, `mark` echoes and `stop`.
 */
export class TwilioMediaClient extends TwilioStyleMediaClient {
  static async connect(url: string, opts: MediaClientOptions = {}): Promise<TwilioMediaClient> {
    return new TwilioMediaClient(await openSocket(url, opts), opts);
  }

  private constructor(socket: OpenedSocket, opts: MediaClientOptions) {
    super(
      socket,
      opts,
      {
        ...twilioBotDialect,
        start: (c: BotStreamCall) => twilioBotDialect.start({ ...c, customParameters: { from: c.from ?? '', to: c.to ?? '', ...c.customParameters } }),
      },
      TEST_TWILIO_ACCOUNT_SID,
    );
  }
}
