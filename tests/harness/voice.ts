import type { ProductProcess } from './product.ts';

/** Stores an `openai` service credential for a stand-in at `baseUrl`; returns its id. */
export async function createOpenAiCredential(product: ProductProcess, apiKey: string, baseUrl: string): Promise<string> {
  const credential = await product.api('POST', '/service-credentials', { vendor: 'openai', name: 'stand-in', api_key: apiKey, base_url: baseUrl });
  if (credential.status !== 201) throw new Error(`credential create failed: ${credential.status} ${JSON.stringify(credential.body)}`);
  return credential.body.id as string;
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
