import { vobizBotDialect } from '../plivo-style/bot-wire.ts';
import { openSocket } from './media-socket.ts';
import type { OpenedSocket } from './media-socket.ts';
import { PlivoStyleMediaClient } from './plivo-style-media-client.ts';
import type { PlivoStyleClientOptions } from './plivo-style-media-client.ts';

/**
 * A fake Vobiz `<Stream bidirectional="true" keepCallAlive="true">` peer. Defaults to Vobiz's
 * default `contentType` (`audio/x-l16;rate=8000`, sent big-endian); `flatStart: true` sends the
 * older flat `start`. See {@link PlivoStyleMediaClient}.
 */
export class VobizMediaClient extends PlivoStyleMediaClient {
  static async connect(url: string, opts: PlivoStyleClientOptions = {}): Promise<VobizMediaClient> {
    return new VobizMediaClient(await openSocket(url, opts), opts);
  }

  private constructor(socket: OpenedSocket, opts: PlivoStyleClientOptions) {
    super(socket, opts, vobizBotDialect, 'MA_VOBIZTEST');
  }
}
