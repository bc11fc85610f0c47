/**
 * ElevenLabs streaming TTS over one multi-stream-input WebSocket per call: a context per turn
 * (`{text:" ", context_id, voice_settings}`), text pieces as they come, `flush` at sentence ends,
 * `close_context` to end or cancel; base64 audio back with character alignment. The socket,
 * deadlines, address policy and contexts are the shared {@link VendorTtsStream}'s; this file is the
 * wire format.
 */
import { resolveConnectionOptions } from '../streaming/connection.ts';
import type { TtsAudioEncoding, TtsListener, TtsMark, TtsStream } from '../streaming/tts.ts';
import { VendorTtsStream, connectTtsStream } from '../streaming/tts-stream.ts';
import type { WireMessage } from '../streaming/tts-stream.ts';
import { elevenLabsClose, elevenLabsRefusal, parseElevenLabsMessage } from './messages.ts';
import { ELEVENLABS_OUTPUT_FORMATS, ELEVENLABS_TTS_DEFAULTS, elevenLabsStreamUrl } from './options.ts';
import type { ElevenLabsTtsOptions, ElevenLabsVoiceSettings } from './options.ts';

/**
 * Opens an ElevenLabs TTS stream for one call. Resolves once the WebSocket is open.
 *
 * @throws VendorError `invalid_option`, `address_not_allowed`, `connect_failed`,
 * `connect_timeout`, `auth_failed`, `upgrade_refused` or `aborted`.
 */
export async function connectElevenLabsTts(options: ElevenLabsTtsOptions, listener: TtsListener): Promise<TtsStream> {
  const connection = resolveConnectionOptions('elevenlabs', options, { keepAliveIntervalMs: ELEVENLABS_TTS_DEFAULTS.keepAliveIntervalMs });
  const url = elevenLabsStreamUrl(options, connection.addressPolicy);
  const format = ELEVENLABS_OUTPUT_FORMATS[options.outputFormat ?? ELEVENLABS_TTS_DEFAULTS.outputFormat];
  return connectTtsStream(
    {
      vendor: 'elevenlabs',
      url,
      headers: { 'xi-api-key': options.apiKey },
      options: connection,
      describeRefusal: elevenLabsRefusal,
      classifyClose: elevenLabsClose,
    },
    new ElevenLabsStream(format.encoding, format.sampleRate, options.voiceSettings, listener),
  );
}

class ElevenLabsStream extends VendorTtsStream {
  readonly #voiceSettings: ElevenLabsVoiceSettings | undefined;

  constructor(encoding: TtsAudioEncoding, sampleRate: number, voiceSettings: ElevenLabsVoiceSettings | undefined, listener: TtsListener) {
    super('elevenlabs', encoding, sampleRate, listener);
    this.#voiceSettings = voiceSettings;
  }

  protected override openMessage(contextId: string): WireMessage {
    const init: Record<string, unknown> = { text: ' ', context_id: contextId };
    if (this.#voiceSettings !== undefined) init.voice_settings = this.#voiceSettings;
    return init;
  }

  protected override closeMessage(): WireMessage {
    return { close_socket: true };
  }

  textMessage(contextId: string, text: string): WireMessage {
    return { text, context_id: contextId };
  }

  flushMessage(contextId: string): WireMessage {
    return { context_id: contextId, flush: true };
  }

  endMessage(contextId: string): WireMessage {
    return { context_id: contextId, close_context: true };
  }

  protected cancelMessage(contextId: string): WireMessage {
    return { context_id: contextId, close_context: true };
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) return;
    const msg = parseElevenLabsMessage(data.toString('utf8'));
    switch (msg.kind) {
      case 'ignored':
        return;
      case 'error':
        this.vendorError(msg.contextId, msg.error);
        break;
      case 'audio': {
        const live = this.contexts.live(msg.contextId);
        if (msg.audio.length > 0) {
          const startMs = this.contexts.audio(msg.contextId, msg.audio);
          if (startMs !== undefined && live !== undefined) {
            live.flushPending = false;
            this.contexts.marks(live.id, 'char', offset(msg.marks, startMs));
          }
        }
        if (msg.isFinal) this.contexts.done(msg.contextId);
        break;
      }
    }
    this.expectReply();
  }

  override onKeepAlive(): void {
    // An empty text resets a context's inactivity timer without producing audio.
    let sent = false;
    for (const id of this.contexts.liveIds()) sent = this.socket.sendJson({ text: '', context_id: id }) || sent;
    if (!sent) this.socket.ping();
  }
}

function offset(marks: readonly TtsMark[], byMs: number): TtsMark[] {
  return marks.map((m) => ({ text: m.text, startMs: m.startMs + byMs, endMs: m.endMs + byMs }));
}
