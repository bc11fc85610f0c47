import { AudioEncoding } from '@vr3/protocol';
import type { MediaCallInfo, MediaClientOptions } from './media-client.ts';
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
    super(socket, opts, {
      provider: 'exotel',
      snake: true,
      defaultFormat: { encoding: AudioEncoding.Pcm16Le, sampleRate: 8000 },
      defaultAccount: 'exotel-test-account',
      connected: () => ({ event: 'connected' }),
      start: (c: MediaCallInfo) => ({
        stream_sid: c.streamId,
        call_sid: c.callId,
        account_sid: c.accountId,
        from: c.from,
        to: c.to,
        custom_parameters: c.customParameters,
        media_format: { encoding: c.format.encoding === 'mulaw' ? 'audio/x-mulaw' : 'audio/x-raw', sample_rate: String(c.format.sampleRate), bit_rate: '16' },
      }),
      stop: (c: MediaCallInfo, reason: string | undefined) => ({ call_sid: c.callId, account_sid: c.accountId, reason: reason ?? 'callended' }),
    });
  }
}
