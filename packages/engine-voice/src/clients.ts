/**
 * How a voice session reaches its vendors from the credentials the control-plane joined into its
 * configuration: an OpenAI-compatible client per section, or the connection options of a
 * streaming vendor socket (Deepgram, ElevenLabs, Cartesia).
 */
import { OpenAiCompatibleClient, type OpenAiCompatibleClientOptions, type VendorConnectionOptions } from '@vr3/vendors';
import type { ResolvedCredential } from './spec.ts';

/** The vendor's own endpoint when an `openai` credential has no `base_url`. */
export const OPENAI_BASE_URL = 'https://api.openai.com';

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
 * vendor's host); `signal` (the call's) terminates the socket when the call ends.
 */
export function streamingConnection(c: ResolvedCredential, signal: AbortSignal): VendorConnectionOptions & { apiKey: string } {
  return { apiKey: c.api_key, addressPolicy: c.address_policy, signal, ...(c.base_url === null ? {} : { baseUrl: c.base_url }) };
}
