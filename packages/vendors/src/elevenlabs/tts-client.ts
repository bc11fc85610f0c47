/**
 * ElevenLabs streaming TTS over one multi-stream-input WebSocket per call: a context per turn
 * (`{text:" ", context_id, voice_settings}`), text pieces as they come, `flush` at sentence ends,
 * `close_context` to end or cancel; base64 audio back with character alignment. The socket,
 * deadlines and address policy are the shared {@link openVendorSocket}'s; the contexts' state is
 * {@link TtsContexts}'.
 */
import { resolveConnectionOptions } from '../streaming/connection.ts';
import { VendorStreamError } from '../streaming/errors.ts';
import type { VendorStreamClosed } from '../streaming/errors.ts';
import { TtsContexts } from '../streaming/tts-contexts.ts';
import type { TrackedContext } from '../streaming/tts-contexts.ts';
import type { TtsAudioEncoding, TtsContext, TtsContextState, TtsListener, TtsMark, TtsStream } from '../streaming/tts.ts';
import { openVendorSocket } from '../streaming/vendor-socket.ts';
import type { VendorSocket, VendorSocketHandlers } from '../streaming/vendor-socket.ts';
import { elevenLabsClose, elevenLabsRefusal, parseElevenLabsMessage } from './messages.ts';
import { ELEVENLABS_OUTPUT_FORMATS, ELEVENLABS_TTS_DEFAULTS, elevenLabsStreamUrl } from './options.ts';
import type { ElevenLabsTtsOptions, ElevenLabsVoiceSettings } from './options.ts';

/**
 * Opens an ElevenLabs TTS stream for one call. Resolves once the WebSocket is open.
 *
 * @throws VendorStreamError `invalid_option`, `address_not_allowed`, `connect_failed`,
 * `connect_timeout`, `auth_failed`, `upgrade_refused` or `aborted`.
 */
export async function connectElevenLabsTts(options: ElevenLabsTtsOptions, listener: TtsListener): Promise<TtsStream> {
  const connection = resolveConnectionOptions('elevenlabs', options, { keepAliveIntervalMs: ELEVENLABS_TTS_DEFAULTS.keepAliveIntervalMs });
  const url = elevenLabsStreamUrl(options, connection.addressPolicy);
  const format = ELEVENLABS_OUTPUT_FORMATS[options.outputFormat ?? ELEVENLABS_TTS_DEFAULTS.outputFormat];
  const stream = new ElevenLabsStream(format.encoding, format.sampleRate, options.voiceSettings, listener);
  const socket = await openVendorSocket(
    {
      vendor: 'elevenlabs',
      url,
      headers: { 'xi-api-key': options.apiKey },
      options: connection,
      describeRefusal: elevenLabsRefusal,
      classifyClose: elevenLabsClose,
    },
    stream,
  );
  stream.attach(socket);
  return stream;
}

class ElevenLabsStream implements TtsStream, VendorSocketHandlers {
  readonly vendor = 'elevenlabs' as const;
  readonly encoding: TtsAudioEncoding;
  readonly sampleRate: number;
  readonly #voiceSettings: ElevenLabsVoiceSettings | undefined;
  readonly #contexts: TtsContexts;
  #socket!: VendorSocket;

  constructor(encoding: TtsAudioEncoding, sampleRate: number, voiceSettings: ElevenLabsVoiceSettings | undefined, listener: TtsListener) {
    this.encoding = encoding;
    this.sampleRate = sampleRate;
    this.#voiceSettings = voiceSettings;
    const bytesPerMs = (sampleRate * (encoding === 'mulaw' ? 1 : 2)) / 1000;
    this.#contexts = new TtsContexts('elevenlabs', bytesPerMs, (event) => listener.onEvent(event));
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
    if (!this.#socket.isOpen) throw new VendorStreamError('elevenlabs', 'invalid_option', 'the stream is closed');
    const tracked = this.#contexts.open(contextId);
    const init: Record<string, unknown> = { text: ' ', context_id: tracked.id };
    if (this.#voiceSettings !== undefined) init.voice_settings = this.#voiceSettings;
    this.#socket.sendJson(init);
    return new ElevenLabsContext(this, tracked);
  }

  close(): Promise<VendorStreamClosed> {
    if (this.#socket.sendJson({ close_socket: true })) return this.#socket.awaitVendorClose();
    return this.#socket.close();
  }

  /** Sends `message` for a live context; false when it is not live or the socket is closed. */
  send(tracked: TrackedContext, message: Record<string, unknown>): boolean {
    if (this.#contexts.live(tracked.id) === undefined) return false;
    return this.#socket.sendJson(message);
  }

  expectReply(): void {
    this.#socket.setAwaitingReply(this.#contexts.awaitingReply);
  }

  cancel(tracked: TrackedContext): void {
    if (!this.#contexts.cancel(tracked.id)) return;
    this.#socket.sendJson({ context_id: tracked.id, close_context: true });
    this.#socket.setAwaitingReply(this.#contexts.awaitingReply);
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return;
    const msg = parseElevenLabsMessage(data.toString('utf8'));
    switch (msg.kind) {
      case 'ignored':
        return;
      case 'error':
        if (this.#contexts.live(msg.contextId) !== undefined) this.#contexts.fail(msg.contextId, msg.error);
        else if (msg.error.code !== 'malformed_message') this.#socket.fail(msg.error);
        break;
      case 'audio': {
        const live = this.#contexts.live(msg.contextId);
        if (msg.audio.length > 0) {
          const startMs = this.#contexts.audio(msg.contextId, msg.audio);
          if (startMs !== undefined && live !== undefined) {
            live.flushPending = false;
            this.#contexts.marks(live.id, 'char', offset(msg.marks, startMs));
          }
        }
        if (msg.isFinal) this.#contexts.done(msg.contextId);
        break;
      }
    }
    this.#socket?.setAwaitingReply(this.#contexts.awaitingReply);
  }

  onKeepAlive(): void {
    // An empty text resets a context's inactivity timer without producing audio.
    let sent = false;
    for (const id of this.#contexts.liveIds()) sent = this.#socket.sendJson({ text: '', context_id: id }) || sent;
    if (!sent) this.#socket.ping();
  }

  onClosed(closed: VendorStreamClosed): void {
    this.#contexts.closeAll(closed);
  }
}

class ElevenLabsContext implements TtsContext {
  readonly #stream: ElevenLabsStream;
  readonly #tracked: TrackedContext;

  constructor(stream: ElevenLabsStream, tracked: TrackedContext) {
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
    if (text === '') return true; // an empty text is ElevenLabs' keep-alive, not text
    return this.#stream.send(this.#tracked, { text, context_id: this.#tracked.id });
  }

  flush(): boolean {
    if (this.#tracked.state !== 'open') return false;
    if (!this.#stream.send(this.#tracked, { context_id: this.#tracked.id, flush: true })) return false;
    this.#tracked.flushPending = true;
    this.#stream.expectReply();
    return true;
  }

  end(): boolean {
    if (this.#tracked.state !== 'open') return false;
    if (!this.#stream.send(this.#tracked, { context_id: this.#tracked.id, close_context: true })) return false;
    this.#tracked.state = 'ending';
    this.#tracked.endPending = true;
    this.#stream.expectReply();
    return true;
  }

  cancel(): void {
    this.#stream.cancel(this.#tracked);
  }
}

function offset(marks: readonly TtsMark[], byMs: number): TtsMark[] {
  return marks.map((m) => ({ text: m.text, startMs: m.startMs + byMs, endMs: m.endMs + byMs }));
}
