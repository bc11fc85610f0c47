/**
 * Transcriptions: `POST {base}/v1/audio/transcriptions`, multipart with a WAV built from PCM16,
 * `model` and an optional `language`; answers `{text}`. Not streaming: the caller cuts utterances.
 */
import { VendorError } from '../errors.ts';
import { openExchange } from './exchange.ts';
import { multipartBody } from './multipart.ts';
import type { FormPart } from './multipart.ts';
import type { ResolvedClientOptions } from './options.ts';
import { pcm16ToWav } from './wav.ts';

/** One utterance to transcribe. */
export interface TranscriptionRequest {
  model: string;
  /** PCM16 little-endian mono samples. */
  audio: Uint8Array;
  /** Sample rate of `audio` in Hz (8000, 16000, 24000, …). */
  sampleRate: number;
  /** ISO-639-1 language of the speech (`en`), when known. */
  language?: string | undefined;
  /** Text that steers the recognizer (names, the previous sentence). */
  prompt?: string | undefined;
}

/** What the vendor heard. */
export interface TranscriptionResult {
  text: string;
}

/** Per-call options of a transcription. */
export interface TranscriptionCallOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Transcribes one utterance within `requestTimeoutMs` (upload, recognition and answer).
 *
 * @throws VendorError `invalid_option` for audio that is empty, over `maxTranscriptionAudioBytes` or not whole samples.
 * @throws VendorError as {@link openExchange}, `vendor_timeout`, `vendor_response_too_large`,
 * `vendor_malformed_response` (no `text` string in the answer).
 */
export async function transcribe(client: ResolvedClientOptions, request: TranscriptionRequest, options: TranscriptionCallOptions = {}): Promise<TranscriptionResult> {
  if (request.audio.byteLength === 0 || request.audio.byteLength % 2 !== 0) throw new VendorError(client.vendor, 'invalid_option', 'audio must hold whole PCM16 samples');
  if (request.audio.byteLength > client.maxTranscriptionAudioBytes) throw new VendorError(client.vendor, 'invalid_option', `audio exceeds ${client.maxTranscriptionAudioBytes} bytes`);
  let wav: Buffer;
  try {
    wav = pcm16ToWav(request.audio, request.sampleRate);
  } catch (err) {
    throw new VendorError(client.vendor, 'invalid_option', 'sampleRate must be a positive integer', { cause: err });
  }
  const parts: FormPart[] = [
    { name: 'file', filename: 'audio.wav', contentType: 'audio/wav', data: wav },
    { name: 'model', value: request.model },
    { name: 'response_format', value: 'json' },
  ];
  if (request.language !== undefined) parts.push({ name: 'language', value: request.language });
  if (request.prompt !== undefined) parts.push({ name: 'prompt', value: request.prompt });
  const form = multipartBody(parts);

  const exchange = await openExchange(client, {
    operation: 'transcription',
    path: '/v1/audio/transcriptions',
    headers: { 'content-type': form.contentType, accept: 'application/json' },
    body: form.body,
    deadlines: { kind: 'request', totalMs: client.requestTimeoutMs },
    maxBytes: client.maxTranscriptionResponseBytes,
    signal: options.signal,
  });
  const chunks: Buffer[] = [];
  try {
    for (let chunk = await exchange.next(); chunk !== undefined; chunk = await exchange.next()) chunks.push(chunk);
  } finally {
    exchange.close();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new VendorError(client.vendor, 'vendor_malformed_response', `${client.vendor} transcription answer is not JSON`, { operation: 'transcription', status: exchange.status, cause: err });
  }
  const text = typeof parsed === 'object' && parsed !== null ? (parsed as { text?: unknown }).text : undefined;
  if (typeof text !== 'string') {
    throw new VendorError(client.vendor, 'vendor_malformed_response', `${client.vendor} transcription answer has no text`, { operation: 'transcription', status: exchange.status });
  }
  return { text };
}
