import { describe, expect, it } from 'vitest';
import { EngineValueError, OTHER_FIELD, configOf, valuesOf } from './config-values.ts';
import { ENGINE_FIELDS } from './fields.ts';

const voice = ENGINE_FIELDS['voice']!;
const CREDENTIAL = '0b6b5f0e-2f7e-4a53-9b7a-6c1f4f1d2e3a';

describe('engine form values', () => {
  it('round-trips a voice configuration: numbers, booleans, JSON and nested sections', () => {
    const config = {
      type: 'voice',
      stt: { vendor: 'deepgram', credential_id: CREDENTIAL, model: 'nova-3' },
      llm: { credential_id: CREDENTIAL, model: 'gpt-4o-mini', temperature: 0.4 },
      tts: { vendor: 'openai', credential_id: CREDENTIAL, model: 'tts-1', voice: 'alloy' },
      prompt: 'Be brief.',
      interruption: { enabled: false },
      tools: { end_call: { type: 'end_call' } },
    };
    const values = valuesOf(voice, config);
    expect(values['llm.temperature']).toBe('0.4');
    expect(values['interruption.enabled']).toBe('false');
    expect(values['greeting']).toBe('');
    expect(values[OTHER_FIELD]).toBe('');
    expect(configOf('voice', voice, values)).toEqual(config);
  });

  it('keeps fields the form does not know, as JSON', () => {
    const config = { type: 'voice', prompt: 'Hi', future: { knob: 3 }, stt: { model: 'm', extra: true } };
    const values = valuesOf(voice, config);
    expect(JSON.parse(values[OTHER_FIELD]!)).toEqual({ future: { knob: 3 }, stt: { extra: true } });
    expect(configOf('voice', voice, values)).toEqual(config);
  });

  it('leaves empty fields out and sends a number that does not read as one as typed', () => {
    const values = { ...valuesOf(voice, null), prompt: 'Hi', 'llm.max_tokens': 'lots', 'vad.threshold': ' ' };
    expect(configOf('voice', voice, values)).toEqual({ type: 'voice', prompt: 'Hi', llm: { max_tokens: 'lots' } });
  });

  it('sends a sample rate as a number', () => {
    const echo = ENGINE_FIELDS['echo']!;
    expect(configOf('echo', echo, { ...valuesOf(echo, null), sample_rate: '8000' })).toEqual({ type: 'echo', sample_rate: 8000 });
  });

  it('names the JSON field that is not a JSON object', () => {
    const bridge = ENGINE_FIELDS['bridge']!;
    for (const text of ['{nope', '[1]']) {
      const err = (() => {
        try {
          configOf('bridge', bridge, { ...valuesOf(bridge, null), headers: text });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(EngineValueError);
      expect(err).toMatchObject({ path: 'headers' });
    }
  });
});
