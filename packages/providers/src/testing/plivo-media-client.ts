import { plivoBotDialect } from '../plivo-style/bot-wire.ts';
import { openSocket } from './media-socket.ts';
import type { OpenedSocket } from './media-socket.ts';
import { PlivoStyleMediaClient } from './plivo-style-media-client.ts';
import type { PlivoStyleClientOptions } from './plivo-style-media-client.ts';

/**
 * A fake Plivo `<Stream bidirectional="true" keepCallAlive="true">` peer, μ-law 8 kHz by default
 * (`contentType="audio/x-mulaw;rate=8000"`, the usual voice-agent setup). See
 * {@link PlivoStyleMediaClient}.
 */
export class PlivoMediaClient extends PlivoStyleMediaClient {
  static async connect(url: string, opts: PlivoStyleClientOptions = {}): Promise<PlivoMediaClient> {
    return new PlivoMediaClient(await openSocket(url, opts), opts);
  }

  private constructor(socket: OpenedSocket, opts: PlivoStyleClientOptions) {
    super(socket, opts, plivoBotDialect, 'MAPLIVOTEST000000000');
  }
}
