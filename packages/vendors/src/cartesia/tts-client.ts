/**
 * Cartesia streaming TTS over one `/tts/websocket` socket per call: a context per turn, each text
 * piece a generation request with `continue: true`, a flush request at sentence ends, an empty
 * transcript with `continue: false` to end, `{context_id, cancel: true}` to cancel; raw audio chunks
 * and word timestamps back. The socket, deadlines and address policy are the shared
 * {@link openVendorSocket}'s; the contexts' state is {@link TtsContexts}'.
 */
import { resolveConnectionOptions } from '../streaming/connection.ts';
import { VendorStreamError } from '../streaming/errors.ts';
import type { VendorStreamClosed } from '../streaming/errors.ts';
import { TtsContexts } from '../streaming/tts-contexts.ts';
import type { TrackedContext } from '../streaming/tts-contexts.ts';
import type { TtsAudioEncoding, TtsContext, TtsContextState, TtsListener, TtsStream } from '../streaming/tts.ts';
import { openVendorSocket } from '../streaming/vendor-socket.ts';
import type { VendorSocket, VendorSocketHandlers } from '../streaming/vendor-socket.ts';
import { cartesiaRefusal, parseCartesiaMessage } from './messages.ts';
import { CARTESIA_TTS_DEFAULTS, cartesiaSetup } from './options.ts';
import type { CartesiaRequestBase, CartesiaTtsOptions } from './options.ts';

/**
 * Opens a Cartesia TTS stream for one call. Resolves once the WebSocket is open.
 *
 * @throws VendorStreamError `invalid_option`, `address_not_allowed`, `connect_failed`,
 * `connect_timeout`, `auth_failed`, `upgrade_refused` or `aborted`.
 */
export async function connectCartesiaTts(options: CartesiaTtsOptions, listener: TtsListener): Promise<TtsStream> {
  const connection = resolveConnectionOptions('cartesia', options, { keepAliveIntervalMs: CARTESIA_TTS_DEFAULTS.keepAliveIntervalMs });
  const setup = cartesiaSetup(options, connection.addressPolicy);
  const stream = new CartesiaStream(setup.encoding, setup.sampleRate, setup.request, listener);
  const socket = await openVendorSocket(
    { vendor: 'cartesia', url: setup.url, headers: setup.headers, options: connection, describeRefusal: cartesiaRefusal },
    stream,
  );
  stream.attach(socket);
  return stream;
}

class CartesiaStream implements TtsStream, VendorSocketHandlers {
  readonly vendor = 'cartesia' as const;
  readonly encoding: TtsAudioEncoding;
  readonly sampleRate: number;
  readonly #request: CartesiaRequestBase;
  readonly #contexts: TtsContexts;
  #socket!: VendorSocket;

  constructor(encoding: TtsAudioEncoding, sampleRate: number, request: CartesiaRequestBase, listener: TtsListener) {
    this.encoding = encoding;
    this.sampleRate = sampleRate;
    this.#request = request;
    const bytesPerMs = (sampleRate * (encoding === 'mulaw' ? 1 : 2)) / 1000;
    this.#contexts = new TtsContexts('cartesia', bytesPerMs, (event) => listener.onEvent(event));
  }

  attach(socket: VendorSocket): void {
    this.#socket = socket;
  }

  get droppedAudioBytes(): number {
    return this.#contexts.droppedAudioBytes;
  }

  get closed(): Promise<VendorStreamClosed> {
    return this.#socket.closed;
  }

  openContext(contextId?: string): TtsContext {
    if (!this.#socket.isOpen) throw new VendorStreamError('cartesia', 'invalid_option', 'the stream is closed');
    // Cartesia creates a context with its first generation request: nothing to send yet.
    return new CartesiaContext(this, this.#contexts.open(contextId));
  }

  close(): Promise<VendorStreamClosed> {
    return this.#socket.close();
  }

  /** Sends a generation request for a live context; false when it is not live or the socket is closed. */
  generate(tracked: TrackedContext, fields: Readonly<Record<string, unknown>>): boolean {
    if (this.#contexts.live(tracked.id) === undefined) return false;
    return this.#socket.sendJson({ ...this.#request, context_id: tracked.id, ...fields });
  }

  expectReply(): void {
    this.#socket.setAwaitingReply(this.#contexts.awaitingReply);
  }

  cancel(tracked: TrackedContext): void {
    if (!this.#contexts.cancel(tracked.id)) return;
    this.#socket.sendJson({ context_id: tracked.id, cancel: true });
    this.#socket.setAwaitingReply(this.#contexts.awaitingReply);
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return;
    const msg = parseCartesiaMessage(data.toString('utf8'));
    switch (msg.kind) {
      case 'ignored':
        return;
      case 'chunk': {
        const live = this.#contexts.live(msg.contextId);
        // Audio answers a flush even if the vendor never acknowledges it.
        if (this.#contexts.audio(msg.contextId, msg.audio) !== undefined && live !== undefined) live.flushPending = false;
        break;
      }
      case 'timestamps':
        this.#contexts.marks(msg.contextId, 'word', msg.marks);
        break;
      case 'flush_done':
        this.#contexts.flushed(msg.contextId);
        break;
      case 'done':
        this.#contexts.done(msg.contextId);
        break;
      case 'error':
        if (this.#contexts.live(msg.contextId) !== undefined) this.#contexts.fail(msg.contextId, msg.error);
        else if (msg.error.code !== 'malformed_message') this.#socket.fail(msg.error);
        break;
    }
    this.#socket?.setAwaitingReply(this.#contexts.awaitingReply);
  }

  onKeepAlive(): void {
    this.#socket.ping();
  }

  onClosed(closed: VendorStreamClosed): void {
    this.#contexts.closeAll(closed);
  }
}

const TEXT = Object.freeze({ continue: true });
const FLUSH = Object.freeze({ transcript: '', continue: true, flush: true });
const END = Object.freeze({ transcript: '', continue: false });

class CartesiaContext implements TtsContext {
  readonly #stream: CartesiaStream;
  readonly #tracked: TrackedContext;

  constructor(stream: CartesiaStream, tracked: TrackedContext) {
    this.#stream = stream;
    this.#tracked = tracked;
  }

  get id(): string {
    return this.#tracked.id;
  }

  get state(): TtsContextState {
    return this.#tracked.state;
  }

  pushText(text: string): boolean {
    if (this.#tracked.state !== 'open') return false;
    if (text === '') return true;
    return this.#stream.generate(this.#tracked, { ...TEXT, transcript: text });
  }

  flush(): boolean {
    if (this.#tracked.state !== 'open') return false;
    if (!this.#stream.generate(this.#tracked, FLUSH)) return false;
    this.#tracked.flushPending = true;
    this.#stream.expectReply();
    return true;
  }

  end(): boolean {
    if (this.#tracked.state !== 'open') return false;
    if (!this.#stream.generate(this.#tracked, END)) return false;
    this.#tracked.state = 'ending';
    this.#tracked.endPending = true;
    this.#stream.expectReply();
    return true;
  }

  cancel(): void {
    this.#stream.cancel(this.#tracked);
  }
}
