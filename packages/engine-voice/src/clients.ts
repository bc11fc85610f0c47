/**
 * How a voice session reaches its vendors from the credentials the control-plane joined into its
 * configuration: an OpenAI-compatible client per section, or the connection options of a
 * streaming vendor socket (Deepgram, ElevenLabs, Cartesia).
 */
import type { ResolvedCredential } from '@vr3/agent';
import { OpenAiCompatibleClient, type OpenAiCompatibleClientOptions, type VendorConnectionOptions } from '@vr3/vendors';

/** The vendor's own endpoint when an `openai` credential has no `base_url`. */
export const OPENAI_BASE_URL = 'https://api.openai.com';

/**
 * The deadlines of a streaming vendor socket (Deepgram, ElevenLabs, Cartesia) an engine may set
 * (`VENDOR_CONNECTION_DEFAULTS` otherwise): to open it, and for a reply it owes (a sentence's
 * audio, the final result after the caller's speech).
 */
export type StreamingDeadlines = Pick<VendorConnectionOptions, 'connectTimeoutMs' | 'idleTimeoutMs'>;

/** The deadlines of an OpenAI-compatible client an engine may set (the client's defaults otherwise). */
export type OpenAiClientDeadlines = Pick<OpenAiCompatibleClientOptions, 'firstByteTimeoutMs' | 'idleTimeoutMs' | 'requestTimeoutMs'>;

/**
 * An OpenAI-compatible client on credential `c` (its `base_url`, else {@link OPENAI_BASE_URL}),
 * with `deadlines` where given.
 */
export function openAiClient(vendor: string, c: ResolvedCredential, deadlines: OpenAiClientDeadlines = {}): OpenAiCompatibleClient {
  return new OpenAiCompatibleClient({ ...deadlines, vendor, baseUrl: c.base_url ?? OPENAI_BASE_URL, apiKey: c.api_key, addressPolicy: c.address_policy });
}

/**
 * Connection options of a streaming vendor socket on credential `c` (its `base_url`, else the
 * vendor's host), with `deadlines` where given; `signal` (the call's) terminates the socket when
 * the call ends.
 */
export function streamingConnection(c: ResolvedCredential, signal: AbortSignal, deadlines: StreamingDeadlines = {}): VendorConnectionOptions & { apiKey: string } {
  return {
    apiKey: c.api_key,
    addressPolicy: c.address_policy,
    signal,
    ...(c.base_url === null ? {} : { baseUrl: c.base_url }),
    ...(deadlines.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: deadlines.connectTimeoutMs }),
    ...(deadlines.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: deadlines.idleTimeoutMs }),
  };
}
