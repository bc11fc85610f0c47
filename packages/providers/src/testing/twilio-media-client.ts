import { MULAW_8K } from '@vr3/protocol';
import type { MediaCallInfo, MediaClientOptions } from './media-client.ts';
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
    super(socket, opts, {
      provider: 'twilio',
      snake: false,
      defaultFormat: MULAW_8K,
      defaultAccount: TEST_TWILIO_ACCOUNT_SID,
      connected: () => ({ event: 'connected', protocol: 'Call', version: '1.0.0' }),
      start: (c: MediaCallInfo) => ({
        accountSid: c.accountId,
        streamSid: c.streamId,
        callSid: c.callId,
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: { from: c.from, to: c.to, ...c.customParameters },
      }),
      stop: (c: MediaCallInfo) => ({ accountSid: c.accountId, callSid: c.callId }),
    });
  }
}
