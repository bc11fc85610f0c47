/**
 * The shared half of a streaming TTS client: one {@link VendorSocket} per call, the per-call
 * {@link TtsContexts}, and the {@link TtsContext} handed out per turn. A vendor subclass is only its
 * wire format — the messages a context sends ({@link VendorTtsStream.textMessage} …) and how it reads
 * the vendor's messages ({@link VendorTtsStream.onMessage}).
 */
import { VendorError } from '../errors.ts';
import type { StreamingVendor, VendorStreamClosed } from '../errors.ts';
import { TtsContexts } from './tts-contexts.ts';
import type { TrackedContext } from './tts-contexts.ts';
import type { TtsAudioEncoding, TtsContext, TtsContextState, TtsListener, TtsStream } from './tts.ts';
import { openVendorSocket } from './vendor-socket.ts';
import type { VendorSocket, VendorSocketHandlers, VendorSocketSpec } from './vendor-socket.ts';

/** A JSON message of a vendor's wire format. */
export type WireMessage = Readonly<Record<string, unknown>>;

/**
 * Opens the socket of `spec` for `stream` and hands it over. Resolves once the WebSocket is open.
 *
 * @throws VendorError `address_not_allowed`, `connect_failed`, `connect_timeout`, `auth_failed`,
 * `upgrade_refused` or `aborted`.
 */
export async function connectTtsStream<S extends VendorTtsStream>(spec: VendorSocketSpec, stream: S): Promise<S> {
  stream.attach(await openVendorSocket(spec, stream));
  return stream;
}

/**
 * A {@link TtsStream} over one vendor socket. Subclasses give the wire format: the messages of a
 * context's text, flush, end and cancel (and optionally of its opening and of the stream's close),
 * and {@link onMessage}, which reports what the vendor sent through {@link contexts}.
 */
export abstract class VendorTtsStream implements TtsStream, VendorSocketHandlers {
  readonly vendor: StreamingVendor;
  readonly encoding: TtsAudioEncoding;
  readonly sampleRate: number;
  /** The per-call context state. */
  protected readonly contexts: TtsContexts;
  /** The vendor socket, set by {@link attach} once it is open. */
  protected socket!: VendorSocket;

  constructor(vendor: StreamingVendor, encoding: TtsAudioEncoding, sampleRate: number, listener: TtsListener) {
    this.vendor = vendor;
    this.encoding = encoding;
    this.sampleRate = sampleRate;
    const bytesPerMs = (sampleRate * (encoding === 'mulaw' ? 1 : 2)) / 1000;
    this.contexts = new TtsContexts(vendor, bytesPerMs, (event) => listener.onEvent(event));
  }

  /** Hands over the open socket (once, before the stream is returned to the caller). */
  attach(socket: VendorSocket): void {
    this.socket = socket;
  }

  get droppedAudioBytes(): number {
    return this.contexts.droppedAudioBytes;
  }

  get closed(): Promise<VendorStreamClosed> {
    return this.socket.closed;
  }

  openContext(contextId?: string): TtsContext {
    if (!this.socket.isOpen) throw new VendorError(this.vendor, 'invalid_option', 'the stream is closed');
    const tracked = this.contexts.open(contextId);
    const opening = this.openMessage(tracked.id);
    if (opening !== undefined) this.socket.sendJson(opening);
    return new VendorTtsContext(this, tracked);
  }

  close(): Promise<VendorStreamClosed> {
    const closing = this.closeMessage();
    if (closing !== undefined && this.socket.sendJson(closing)) return this.socket.awaitVendorClose();
    return this.socket.close();
  }

  /** Sends `message` for a live context; false when it is not live or the socket is closed. */
  send(tracked: TrackedContext, message: WireMessage): boolean {
    if (this.contexts.live(tracked.id) === undefined) return false;
    return this.socket.sendJson(message);
  }

  /** A reply is due (or no longer): arms or clears the socket's idle deadline. */
  expectReply(): void {
    // The first message may arrive before the socket is attached.
    this.socket?.setAwaitingReply(this.contexts.awaitingReply);
  }

  /** Ends `tracked` as cancelled and tells the vendor. */
  cancel(tracked: TrackedContext): void {
    if (!this.contexts.cancel(tracked.id)) return;
    this.socket.sendJson(this.cancelMessage(tracked.id));
    this.expectReply();
  }

  /** Reads one vendor message; implementations end with {@link expectReply}. */
  abstract onMessage(data: Buffer, isBinary: boolean): void;

  /** Default keep-alive: a WebSocket ping. */
  onKeepAlive(): void {
    this.socket.ping();
  }

  onClosed(closed: VendorStreamClosed): void {
    this.contexts.closeAll(closed);
  }

  /**
   * An error the vendor reported: it fails its context when that is live; otherwise it fails the
   * stream, unless it is only a message we could not read.
   */
  protected vendorError(contextId: string | undefined, error: VendorError): void {
    if (this.contexts.live(contextId) !== undefined) this.contexts.fail(contextId, error);
    else if (error.code !== 'malformed_message') this.socket.fail(error);
  }

  /** The message that opens a context, if the vendor wants one. */
  protected openMessage(_contextId: string): WireMessage | undefined {
    return undefined;
  }

  /** The message sent before the stream's graceful close, if the vendor wants one. */
  protected closeMessage(): WireMessage | undefined {
    return undefined;
  }

  /** A piece of a context's text (never empty). */
  abstract textMessage(contextId: string, text: string): WireMessage;
  /** Asks for audio for a context's text so far. */
  abstract flushMessage(contextId: string): WireMessage;
  /** Ends a context's text: the vendor speaks the rest, then ends it. */
  abstract endMessage(contextId: string): WireMessage;
  /** Stops a context at once. */
  protected abstract cancelMessage(contextId: string): WireMessage;
}

/** The {@link TtsContext} of every {@link VendorTtsStream}: state checks here, messages there. */
class VendorTtsContext implements TtsContext {
  readonly #stream: VendorTtsStream;
  readonly #tracked: TrackedContext;

  constructor(stream: VendorTtsStream, tracked: TrackedContext) {
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
    if (text === '') return true; // nothing to say (and for ElevenLabs an empty text is a keep-alive)
    return this.#stream.send(this.#tracked, this.#stream.textMessage(this.#tracked.id, text));
  }

  flush(): boolean {
    if (this.#tracked.state !== 'open') return false;
    if (!this.#stream.send(this.#tracked, this.#stream.flushMessage(this.#tracked.id))) return false;
    this.#tracked.flushPending = true;
    this.#stream.expectReply();
    return true;
  }

  end(): boolean {
    if (this.#tracked.state !== 'open') return false;
    if (!this.#stream.send(this.#tracked, this.#stream.endMessage(this.#tracked.id))) return false;
    this.#tracked.state = 'ending';
    this.#tracked.endPending = true;
    this.#stream.expectReply();
    return true;
  }

  cancel(): void {
    this.#stream.cancel(this.#tracked);
  }
}
