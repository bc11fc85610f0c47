import { EngineCatalog } from '@vr3/agent';
import { describe, expect, it } from 'vitest';
import { voiceEngineSpec, VoiceConfigSchema, VoiceRuntimeConfigSchema, type VoiceConfig } from './spec.ts';

const ID = '0b9f3c1e-7a41-4d55-9d2b-2f5c8f0e6a11';
const valid: VoiceConfig = {
  type: 'voice',
  stt: { vendor: 'openai', credential_id: ID, model: 'whisper-1' },
  llm: { credential_id: ID, model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 200 },
  tts: { vendor: 'openai', credential_id: ID, model: 'tts-1', voice: 'alloy' },
  prompt: 'Be brief.',
};

describe('voice engine spec', () => {
  const catalog = new EngineCatalog([voiceEngineSpec]);
  const issue = (config: unknown): string => {
    try {
      catalog.parse(config);
    } catch (err) {
      return (err as Error).message;
    }
    return 'valid';
  };

  it('takes a full configuration; its only secret fields are HTTP tools\' headers (keys live in service credentials)', () => {
    const full = {
      ...valid,
      vad: { engine: 'webrtc', threshold: 0.6, min_silence_ms: 250 },
      greeting: 'Hi {{caller_number}}',
      tools: {
        end_call: { type: 'end_call', goodbye: 'Bye.' },
        to_desk: { type: 'transfer_call', target: '+15550009' },
        lookup: { type: 'http', description: 'Order status', parameters: { type: 'object' }, url: 'https://crm.example.com/orders', headers: { 'X-Api-Key': 'k' }, timeout_ms: 2000 },
      },
      silence: { reprompt_after_s: 8, reprompt: 'Still there?', hangup_after_s: 30, goodbye: 'Goodbye.' },
      interruption: { enabled: true, min_duration_ms: 400 },
      endpointing: { silence_ms: 500 },
      max_duration_s: 600,
      language: 'pt-BR',
    };
    expect(catalog.parse(full)).toEqual(full);
    expect(voiceEngineSpec.secretFields).toEqual(['tools.*.headers.*']);
  });

  it('bounds tools and silence', () => {
    expect(issue({ ...valid, tools: { 'bad name': { type: 'end_call' } } })).toMatch(/tools/);
    expect(issue({ ...valid, tools: { t: { type: 'transfer_call' } } })).toMatch(/tools\.t\.target/);
    expect(issue({ ...valid, silence: { reprompt_after_s: 1 } })).toMatch(/silence\.reprompt_after_s/);
    expect(issue({ ...valid, silence: { hangup_after_s: 7200 } })).toMatch(/silence\.hangup_after_s/);
    expect(issue({ ...valid, silence: { reprompt: '' } })).toMatch(/silence\.reprompt/);
    expect(issue({ ...valid, silence: { other: 1 } })).toMatch(/invalid voice engine config/);
  });

  it('takes the streaming vendors; refuses unknown vendors, bad ids, keys and unknown fields', () => {
    expect(VoiceConfigSchema.safeParse({ ...valid, stt: { ...valid.stt, vendor: 'deepgram', model: 'nova-3' } }).success).toBe(true);
    for (const vendor of ['elevenlabs', 'cartesia']) expect(VoiceConfigSchema.safeParse({ ...valid, tts: { ...valid.tts, vendor } }).success).toBe(true);
    expect(issue({ ...valid, stt: { ...valid.stt, vendor: 'elevenlabs' } })).toMatch(/stt\.vendor/);
    expect(issue({ ...valid, tts: { ...valid.tts, vendor: 'acme' } })).toMatch(/tts\.vendor/);
    expect(issue({ ...valid, llm: { ...valid.llm, credential_id: 'abc' } })).toMatch(/llm\.credential_id/);
    expect(issue({ ...valid, llm: { ...valid.llm, api_key: 'sk-1' } })).toMatch(/invalid voice engine config/);
    expect(issue({ ...valid, prompt: '' })).toMatch(/prompt/);
    expect(issue({ ...valid, vad: { engine: 'other' } })).toMatch(/vad\.engine/);
  });

  it('the edge schema wants each section\'s joined credential', () => {
    const cred = { api_key: 'sk-1', base_url: null, address_policy: 'public' as const };
    expect(VoiceRuntimeConfigSchema.safeParse(valid).success).toBe(false);
    expect(VoiceRuntimeConfigSchema.safeParse({ ...valid, stt: { ...valid.stt, ...cred }, llm: { ...valid.llm, ...cred }, tts: { ...valid.tts, ...cred } }).success).toBe(true);
  });
});
