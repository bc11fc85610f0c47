/**
 * Speech: `POST {base}/v1/audio/speech {model, voice, input, response_format: "pcm"}`, whose answer
 * is raw PCM16 LE mono at 24 kHz, yielded chunk by chunk as it arrives (never buffered whole).
 */
import type { StreamCallOptions } from './chat.ts';
import { openExchange } from './exchange.ts';
import type { ResolvedClientOptions } from './options.ts';

/** Sample rate of the `pcm` response format, in Hz. */
export const SPEECH_SAMPLE_RATE = 24_000;

/** One text to speak. */
export interface SpeechRequest {
  model: string;
  voice: string;
  input: string;
  /** Style instructions (models that take them). */
  instructions?: string | undefined;
  /** 0.25–4.0. */
  speed?: number | undefined;
  /** Further body fields for a particular vendor; they cannot override the fields above. */
  extra?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Streams the speech of `request` as PCM16 LE mono chunks at {@link SPEECH_SAMPLE_RATE}, each a
 * whole number of samples. The request is sent when iteration starts; breaking out early (or an
 * abort) drops the connection. A slow consumer slows the read (TCP backpressure), not memory.
 *
 * @throws VendorError as {@link openExchange}, `vendor_idle_timeout`, `vendor_response_too_large`
 * (over `maxSpeechBytes`), `vendor_network` (the body broke off).
 */
export async function* streamSpeech(client: ResolvedClientOptions, request: SpeechRequest, options: StreamCallOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const body: Record<string, unknown> = { ...request.extra, model: request.model, voice: request.voice, input: request.input, response_format: 'pcm' };
  if (request.instructions !== undefined) body.instructions = request.instructions;
  if (request.speed !== undefined) body.speed = request.speed;
  const exchange = await openExchange(client, {
    operation: 'speech',
    path: '/v1/audio/speech',
    headers: { 'content-type': 'application/json', accept: 'audio/pcm' },
    body: JSON.stringify(body),
    deadlines: { kind: 'stream', firstByteMs: client.firstByteTimeoutMs, idleMs: client.idleTimeoutMs },
    maxBytes: client.maxSpeechBytes,
    signal: options.signal,
  });
  /** A byte of a sample split across two network chunks. */
  let carry: number | undefined;
  try {
    for (let chunk = await exchange.next(); chunk !== undefined; chunk = await exchange.next()) {
      let out = chunk;
      if (carry !== undefined) {
        out = Buffer.allocUnsafe(chunk.length + 1);
        out[0] = carry;
        chunk.copy(out, 1);
        carry = undefined;
      }
      if (out.length % 2 === 1) {
        carry = out[out.length - 1];
        out = out.subarray(0, out.length - 1);
      }
      if (out.length > 0) yield out;
    }
  } finally {
    exchange.close();
  }
}
