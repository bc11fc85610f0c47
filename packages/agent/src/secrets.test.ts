import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEngineSpec } from './engine.ts';
import { applySecretUpdate, joinSecrets, secretPaths, splitSecrets } from './secrets.ts';

const spec = defineEngineSpec({
  type: 'bot',
  configSchema: z.strictObject({ type: z.literal('bot'), url: z.string(), headers: z.record(z.string(), z.string()).optional(), llm: z.object({ api_key: z.string().optional(), model: z.string() }).optional() }),
  secretFields: ['headers.*', 'llm.api_key'],
  description: 'test',
});

describe('engine secrets', () => {
  const full = { type: 'bot', url: 'wss://bot', headers: { Authorization: 'Bearer s3cret', 'X-Tenant': 't1' }, llm: { api_key: 'sk-1', model: 'm' } };

  it('splits every secret out of the clear config and joins them back', () => {
    const { config, secrets } = splitSecrets(spec, full);
    expect(config).toEqual({ type: 'bot', url: 'wss://bot', llm: { model: 'm' } });
    expect(JSON.stringify(config)).not.toContain('s3cret');
    expect(secretPaths(secrets).sort()).toEqual(['headers.Authorization', 'headers.X-Tenant', 'llm.api_key']);
    expect(joinSecrets(config, secrets)).toEqual(full);
    expect(full.headers.Authorization).toBe('Bearer s3cret'); // input untouched
  });

  it('keeps stored secrets an update leaves out, removes those sent as null, forgets them on a type change', () => {
    const { secrets } = splitSecrets(spec, full);
    const previous = { type: 'bot', secrets };
    expect(applySecretUpdate(spec, { type: 'bot', url: 'wss://new', llm: { model: 'm2' } }, previous)).toEqual({
      type: 'bot',
      url: 'wss://new',
      llm: { model: 'm2', api_key: 'sk-1' },
      headers: { Authorization: 'Bearer s3cret', 'X-Tenant': 't1' },
    });
    expect(applySecretUpdate(spec, { type: 'bot', url: 'u', headers: { Authorization: null, 'X-Tenant': 't2' } }, previous)).toEqual({
      type: 'bot',
      url: 'u',
      headers: { 'X-Tenant': 't2' },
      llm: { api_key: 'sk-1' },
    });
    expect(applySecretUpdate(spec, { type: 'other', url: 'u' }, previous)).toEqual({ type: 'other', url: 'u' });
    expect(applySecretUpdate(spec, { type: 'bot', url: 'u', headers: { A: null } }, null)).toEqual({ type: 'bot', url: 'u' });
  });
});
