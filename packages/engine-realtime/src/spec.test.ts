import { EngineCatalog } from '@vr3/agent';
import { describe, expect, it } from 'vitest';
import { realtimeUrlOf } from './engine.ts';
import { realtimeEngineSpec, RealtimeRuntimeConfigSchema, type RealtimeConfig } from './spec.ts';

const ID = '0b9f3c1e-7a41-4d55-9d2b-2f5c8f0e6a11';
const valid: RealtimeConfig = { type: 'realtime', llm: { vendor: 'openai', credential_id: ID, model: 'gpt-realtime' }, prompt: 'Be brief.' };

describe('realtime engine spec', () => {
  const catalog = new EngineCatalog([realtimeEngineSpec]);
  const issue = (config: unknown): string => {
    try {
      catalog.parse(config);
    } catch (err) {
      return (err as Error).message;
    }
    return 'valid';
  };

  it('takes a full configuration; only HTTP tool headers are secret (the key lives in a service credential)', () => {
    const full = {
      ...valid,
      llm: { ...valid.llm, voice: 'marin' },
      greeting: 'Hi {{caller_number}}',
      tools: { end_call: { type: 'end_call', goodbye: 'Bye!' }, to_billing: { type: 'transfer_call', target: '+15550009', description: 'To billing.' } },
      silence: { reprompt_after_s: 7.5, reprompt: 'Still there?', hangup_after_s: 30, goodbye: 'Goodbye.' },
      interruption: { enabled: true, min_duration_ms: 300 },
      vad: { threshold: 0.6, prefix_padding_ms: 300 },
      endpointing: { silence_ms: 400 },
      transcription: { model: 'gpt-4o-mini-transcribe' },
      max_duration_s: 600,
      language: 'pt-BR',
    };
    expect(catalog.parse(full)).toEqual(full);
    expect(realtimeEngineSpec.secretFields).toEqual(['tools.*.headers.*']);
  });

  it('refuses keys in the configuration, unknown vendors, a transfer without target, a bad tool name', () => {
    expect(issue({ ...valid, llm: { ...valid.llm, api_key: 'sk-x' } })).toMatch(/^invalid realtime engine config: llm/);
    expect(issue({ ...valid, llm: { ...valid.llm, vendor: 'acme' } })).toMatch(/llm\.vendor/);
    expect(issue({ ...valid, llm: { ...valid.llm, credential_id: 'nope' } })).toMatch(/llm\.credential_id/);
    expect(issue({ ...valid, tools: { transfer: { type: 'transfer_call' } } })).toMatch(/tools\.transfer\.target/);
    expect(issue({ ...valid, tools: { 'bad name': { type: 'end_call' } } })).toMatch(/tools/);
    expect(issue({ ...valid, tools: { hack: { type: 'hack' } } })).toMatch(/tools\.hack/);
    expect(issue({ ...valid, prompt: '' })).toMatch(/prompt/);
    expect(issue({ ...valid, interruption: { min_duration_ms: 6000 } })).toMatch(/interruption\.min_duration_ms/);
    expect(issue({ ...valid, silence: { reprompt_after_s: 1 } })).toMatch(/silence\.reprompt_after_s/);
    expect(issue({ ...valid, silence: { hangup_after_s: 7200 } })).toMatch(/silence\.hangup_after_s/);
    expect(issue({ ...valid, silence: { reprompt_text: 'Hello?' } })).toMatch(/^invalid realtime engine config: silence/);
    expect(issue(valid)).toBe('valid');
  });

  it('the runtime schema needs the joined credential', () => {
    expect(RealtimeRuntimeConfigSchema.safeParse(valid).success).toBe(false);
    const joined = { ...valid, llm: { ...valid.llm, api_key: 'sk-k', base_url: null, address_policy: 'public' } };
    expect(RealtimeRuntimeConfigSchema.parse(joined)).toEqual(joined);
  });
});

describe('realtimeUrlOf', () => {
  it('is the vendor endpoint without base_url, else the base_url as ws(s) with /v1/realtime', () => {
    expect(realtimeUrlOf(null)).toBe('wss://api.openai.com/v1/realtime');
    expect(realtimeUrlOf('https://llm.example.com')).toBe('wss://llm.example.com/v1/realtime');
    expect(realtimeUrlOf('https://llm.example.com/openai/')).toBe('wss://llm.example.com/openai/v1/realtime');
    expect(realtimeUrlOf('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/v1/realtime');
  });
});
