/**
 * Cartesia streaming TTS over one `/tts/websocket` socket per call: a context per turn, each text
 * piece a generation request with `continue: true`, a flush request at sentence ends, an empty
 * transcript with `continue: false` to end, `{context_id, cancel: true}` to cancel; raw audio chunks
 * and word timestamps back. The socket, deadlines, address policy and contexts are the shared
 * {@link VendorTtsStream}'s; this file is the wire format.
 */
import { resolveConnectionOptions } from '../streaming/connection.ts';
import type { TtsAudioEncoding, TtsListener, TtsStream } from '../streaming/tts.ts';
import { VendorTtsStream, connectTtsStream } from '../streaming/tts-stream.ts';
import type { WireMessage } from '../streaming/tts-stream.ts';
import { cartesiaRefusal, parseCartesiaMessage } from './messages.ts';
import { CARTESIA_TTS_DEFAULTS, cartesiaSetup } from './options.ts';
import type { CartesiaRequestBase, CartesiaTtsOptions } from './options.ts';

/**
 * Opens a Cartesia TTS stream for one call. Resolves once the WebSocket is open.
 *
 * @throws VendorError `invalid_option`, `address_not_allowed`, `connect_failed`,
 * `connect_timeout`, `auth_failed`, `upgrade_refused` or `aborted`.
 */
export async function connectCartesiaTts(options: CartesiaTtsOptions, listener: TtsListener): Promise<TtsStream> {
  const connection = resolveConnectionOptions('cartesia', options, { keepAliveIntervalMs: CARTESIA_TTS_DEFAULTS.keepAliveIntervalMs });
  const setup = cartesiaSetup(options, connection.addressPolicy);
  return connectTtsStream(
    { vendor: 'cartesia', url: setup.url, headers: setup.headers, options: connection, describeRefusal: cartesiaRefusal },
    new CartesiaStream(setup.encoding, setup.sampleRate, setup.request, listener),
  );
}

/**
 * Cartesia creates a context with its first generation request (nothing is sent on open), and every
 * request of a context repeats the same model, voice and output format. Keep-alive is the base's ping.
 */
class CartesiaStream extends VendorTtsStream {
  readonly #request: CartesiaRequestBase;

  constructor(encoding: TtsAudioEncoding, sampleRate: number, request: CartesiaRequestBase, listener: TtsListener) {
    super('cartesia', encoding, sampleRate, listener);
    this.#request = request;
  }

  textMessage(contextId: string, text: string): WireMessage {
    return { ...this.#request, context_id: contextId, continue: true, transcript: text };
  }

  flushMessage(contextId: string): WireMessage {
    return { ...this.#request, context_id: contextId, transcript: '', continue: true, flush: true };
  }

  endMessage(contextId: string): WireMessage {
    return { ...this.#request, context_id: contextId, transcript: '', continue: false };
  }

  protected cancelMessage(contextId: string): WireMessage {
    return { context_id: contextId, cancel: true };
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return;
    const msg = parseCartesiaMessage(data.toString('utf8'));
    switch (msg.kind) {
      case 'ignored':
        return;
      case 'chunk': {
        const live = this.contexts.live(msg.contextId);
        // Audio answers a flush even if the vendor never acknowledges it.
        if (this.contexts.audio(msg.contextId, msg.audio) !== undefined && live !== undefined) live.flushPending = false;
        break;
      }
      case 'timestamps':
        this.contexts.marks(msg.contextId, 'word', msg.marks);
        break;
      case 'flush_done':
        this.contexts.flushed(msg.contextId);
        break;
      case 'done':
        this.contexts.done(msg.contextId);
        break;
      case 'error':
        this.vendorError(msg.contextId, msg.error);
        break;
    }
    this.expectReply();
  }
}
