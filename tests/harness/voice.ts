import { randomUUID } from 'node:crypto';
import { connectMediaClient, type FakeProviderApi } from '@vr3/providers/testing';
import { eventually, type ProductProcess } from './product.ts';
import { providerStreamUrl, type ProviderCall, type ProviderSetup } from './providers.ts';

/** Vendors of service credentials. */
export type CredentialVendor = 'openai' | 'deepgram' | 'elevenlabs' | 'cartesia';

/**
 * Stores a `vendor` service credential for a stand-in at `url`; returns its id. A stand-in's
 * `ws://` URL is stored as `http://` (the API takes http(s) base URLs; the clients speak WebSocket to them).
 */
export async function createCredential(product: ProductProcess, vendor: CredentialVendor, apiKey: string, url: string): Promise<string> {
  const baseUrl = url.replace(/^ws(s?):/, 'http$1:');
  const credential = await product.api('POST', '/service-credentials', { vendor, name: 'stand-in', api_key: apiKey, base_url: baseUrl });
  if (credential.status !== 201) throw new Error(`credential create failed: ${credential.status} ${JSON.stringify(credential.body)}`);
  return credential.body.id as string;
}

/** Stores an `openai` service credential for a stand-in at `baseUrl`; returns its id. */
export function createOpenAiCredential(product: ProductProcess, apiKey: string, baseUrl: string): Promise<string> {
  return createCredential(product, 'openai', apiKey, baseUrl);
}

/** Stores a `deepgram` service credential for a Deepgram stand-in (its `url`); returns its id. */
export function createDeepgramCredential(product: ProductProcess, apiKey: string, url: string): Promise<string> {
  return createCredential(product, 'deepgram', apiKey, url);
}

/** Stores an `elevenlabs` service credential for an ElevenLabs stand-in (its `url`); returns its id. */
export function createElevenLabsCredential(product: ProductProcess, apiKey: string, url: string): Promise<string> {
  return createCredential(product, 'elevenlabs', apiKey, url);
}

/** Stores a `cartesia` service credential for a Cartesia stand-in (its `url`); returns its id. */
export function createCartesiaCredential(product: ProductProcess, apiKey: string, url: string): Promise<string> {
  return createCredential(product, 'cartesia', apiKey, url);
}

/** A `voice` engine configuration with STT, LLM and TTS all on the OpenAI-compatible credential `credentialId`, plus `rest`. */
export function openAiVoiceEngine(credentialId: string, rest: { prompt: string } & Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'voice',
    stt: { vendor: 'openai', credential_id: credentialId, model: 'whisper-1', language: 'en' },
    llm: { credential_id: credentialId, model: 'gpt-4o-mini' },
    tts: { vendor: 'openai', credential_id: credentialId, model: 'tts-1', voice: 'alloy' },
    ...rest,
  };
}

/**
 * A `voice` engine configuration with Deepgram STT (`deepgram`), the OpenAI-compatible LLM (`llm`)
 * and streaming TTS (`tts`: ElevenLabs or Cartesia), plus `rest`.
 */
export function streamingVoiceEngine(
  ids: { deepgram: string; llm: string; tts: { vendor: 'elevenlabs' | 'cartesia'; id: string } },
  rest: { prompt: string } & Record<string, unknown>,
): Record<string, unknown> {
  return {
    type: 'voice',
    stt: { vendor: 'deepgram', credential_id: ids.deepgram, model: 'nova-3', language: 'en' },
    llm: { credential_id: ids.llm, model: 'gpt-4o-mini' },
    tts:
      ids.tts.vendor === 'elevenlabs'
        ? { vendor: 'elevenlabs', credential_id: ids.tts.id, model: 'eleven_flash_v2_5', voice: 'voice-1' }
        : { vendor: 'cartesia', credential_id: ids.tts.id, model: 'sonic-2', voice: 'voice-1' },
    ...rest,
  };
}

/**
 * A Twilio call whose client acknowledges marks once the audio before them would have played,
 * added to `calls` (for the suite's clean-up); resolves once its run is running, or with
 * `anyState` once the run has recorded its `start` whatever its state by then (a failing vendor
 * may have ended it already).
 */
export async function startPlayoutCall(
  product: ProductProcess,
  twilio: FakeProviderApi,
  setup: ProviderSetup,
  calls: ProviderCall[],
  options: { anyState?: boolean } = {},
): Promise<ProviderCall> {
  const callId = `call-${randomUUID()}`;
  twilio.addCall(callId);
  const client = await connectMediaClient('twilio', providerStreamUrl(product, setup, null), { ackMode: 'playout' });
  const info = client.begin({ accountId: twilio.accountId, callId });
  const c: ProviderCall = { client, info, runId: '' };
  calls.push(c);
  const run = await eventually(async () => {
    const list = await product.api('GET', `/runs?agent_uuid=${setup.agentUuid}${options.anyState ? '' : '&state=running'}&limit=100`);
    return (list.body.data as Array<{ id: string; gathered_context?: { call_sid?: string } }>).find((r) => r.gathered_context?.call_sid === callId);
  }, 8000);
  c.runId = run.id;
  return c;
}
