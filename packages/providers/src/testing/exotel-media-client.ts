import { exotelBotDialect } from '../twilio-style/bot-wire.ts';
import type { MediaClientOptions } from './media-client.ts';
import { openSocket } from './media-socket.ts';
import type { OpenedSocket } from './media-socket.ts';
import { TwilioStyleMediaClient } from './twilio-style-media-client.ts';

/**
 * A fake Exotel AgentStream (Voicebot applet) peer: snake_case `connected`, `start` with
 * `account_sid`, `from`/`to`, `custom_parameters` and `media_format` (`audio/x-raw`, the rate as a
 * string), PCM16 LE `media` (Exotel sends ~100 ms chunks: pass 1600 B at 8 kHz to `sendAudio`),
 * `dtmf` with `duration`, `mark` echoes, and `stop` with `reason` (`callended` by default).
 */
export class ExotelMediaClient extends TwilioStyleMediaClient {
  static async connect(url: string, opts: MediaClientOptions = {}): Promise<ExotelMediaClient> {
    return new ExotelMediaClient(await openSocket(url, opts), opts);
  }

  private constructor(socket: OpenedSocket, opts: MediaClientOptions) {
    super(socket, opts, exotelBotDialect, 'exotel-test-account');
  }
}
