/**
 * Deepgram live speech-to-text over one WebSocket: binary audio in, typed transcript events out;
 * `KeepAlive` while the caller is silent, `Finalize` to flush, `CloseStream` to end. The socket,
 * deadlines and address policy are the shared {@link openVendorSocket}'s.
 */
import { resolveConnectionOptions } from '../streaming/connection.ts';
import type { VendorStreamClosed } from '../errors.ts';
import { openVendorSocket } from '../streaming/vendor-socket.ts';
import type { VendorSocket, VendorSocketHandlers } from '../streaming/vendor-socket.ts';
import { deepgramClose, deepgramRefusal, parseDeepgramMessage } from './messages.ts';
import type { DeepgramEvent } from './messages.ts';
import { DEEPGRAM_LIVE_DEFAULTS, deepgramListenUrl } from './options.ts';
import type { DeepgramEncoding, DeepgramLiveOptions } from './options.ts';

/** Receives a Deepgram stream's events, in order, synchronously from the socket. */
export interface DeepgramLiveListener {
  onEvent(event: DeepgramEvent): void;
}

/** An open Deepgram live stream. */
export interface DeepgramLiveStream {
  readonly encoding: DeepgramEncoding;
  readonly sampleRate: number;
  /**
   * Sends one chunk of audio (empty chunks are skipped: Deepgram closes on them). `false` when the
   * stream is not open or the socket holds more than `maxBufferedBytes` unsent; the chunk is then
   * dropped and counted in {@link droppedAudioBytes}.
   */
  sendAudio(chunk: Uint8Array): boolean;
  /** Sends `Finalize`: Deepgram transcribes what it holds now and answers with `fromFinalize` results. */
  finalize(): boolean;
  /**
   * The caller's speech ended (the client's own VAD says so): Deepgram owes a final result. Until a
   * final result or an `UtteranceEnd` arrives, Deepgram must send something at least every
   * `idleTimeoutMs`, or the stream fails `idle_timeout` (a vendor that took the audio and stopped
   * answering).
   */
  expectResult(): void;
  /** Audio bytes handed to the socket. */
  readonly audioBytesSent: number;
  /** Audio bytes refused by {@link sendAudio}. */
  readonly droppedAudioBytes: number;
  /** Resolves (never rejects) when the stream has ended. */
  readonly closed: Promise<VendorStreamClosed>;
  /**
   * Sends `CloseStream` and waits (up to `closeTimeoutMs`) for the last results and Deepgram's close;
   * events keep coming until then. Idempotent.
   */
  close(): Promise<VendorStreamClosed>;
  /** Drops the connection at once; no more events. */
  terminate(): void;
}

/**
 * Opens a Deepgram live stream. Resolves once the WebSocket is open.
 *
 * @throws VendorError `invalid_option`, `address_not_allowed`, `connect_failed`,
 * `connect_timeout`, `auth_failed`, `upgrade_refused` or `aborted`.
 */
export async function connectDeepgramLive(options: DeepgramLiveOptions, listener: DeepgramLiveListener): Promise<DeepgramLiveStream> {
  const connection = resolveConnectionOptions('deepgram', options, {
    maxMessageBytes: DEEPGRAM_LIVE_DEFAULTS.maxMessageBytes,
    keepAliveIntervalMs: DEEPGRAM_LIVE_DEFAULTS.keepAliveIntervalMs,
  });
  const url = deepgramListenUrl(options, connection.addressPolicy);
  const stream = new DeepgramLive(options.encoding, options.sampleRate, listener);
  const socket = await openVendorSocket(
    {
      vendor: 'deepgram',
      url,
      headers: { Authorization: `Token ${options.apiKey}` },
      options: connection,
      describeRefusal: deepgramRefusal,
      classifyClose: deepgramClose,
    },
    stream,
  );
  stream.attach(socket);
  return stream;
}

const KEEP_ALIVE = { type: 'KeepAlive' } as const;
const FINALIZE = { type: 'Finalize' } as const;
const CLOSE_STREAM = { type: 'CloseStream' } as const;

class DeepgramLive implements DeepgramLiveStream, VendorSocketHandlers {
  readonly encoding: DeepgramEncoding;
  readonly sampleRate: number;
  readonly #listener: DeepgramLiveListener;
  #socket!: VendorSocket;
  #audioBytesSent = 0;
  #droppedAudioBytes = 0;
  #ended = false;

  constructor(encoding: DeepgramEncoding, sampleRate: number, listener: DeepgramLiveListener) {
    this.encoding = encoding;
    this.sampleRate = sampleRate;
    this.#listener = listener;
  }

  attach(socket: VendorSocket): void {
    this.#socket = socket;
  }

  get audioBytesSent(): number {
    return this.#audioBytesSent;
  }

  get droppedAudioBytes(): number {
    return this.#droppedAudioBytes;
  }

  get closed(): Promise<VendorStreamClosed> {
    return this.#socket.closed;
  }

  sendAudio(chunk: Uint8Array): boolean {
    if (chunk.byteLength === 0) return true;
    if (this.#socket.sendBinary(chunk)) {
      this.#audioBytesSent += chunk.byteLength;
      return true;
    }
    this.#droppedAudioBytes += chunk.byteLength;
    return false;
  }

  finalize(): boolean {
    if (!this.#socket.sendJson(FINALIZE)) return false;
    this.#socket.setAwaitingReply(true);
    return true;
  }

  expectResult(): void {
    this.#socket.setAwaitingReply(true);
  }

  close(): Promise<VendorStreamClosed> {
    if (this.#socket.sendJson(CLOSE_STREAM)) return this.#socket.awaitVendorClose();
    return this.#socket.close();
  }

  terminate(): void {
    this.#socket.terminate();
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#ended || isBinary) return;
    const event = parseDeepgramMessage(data.toString('utf8'));
    if (event === undefined) return;
    if ((event.type === 'transcript' && event.isFinal) || event.type === 'utterance_end') this.#socket?.setAwaitingReply(false);
    this.#listener.onEvent(event);
  }

  onKeepAlive(): void {
    this.#socket.sendJson(KEEP_ALIVE);
  }

  onClosed(): void {
    this.#ended = true;
  }
}
