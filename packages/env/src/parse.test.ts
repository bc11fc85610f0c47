import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { envBool, envInt, envUrl, parseEnv } from './parse.ts';

const Schema = z.object({ PORT: envInt('PORT', 0), FLAG: envBool, NATS_URL: envUrl('NATS_URL', ['nats', 'tls']) });

describe('parseEnv', () => {
  it('parses integers, booleans and URL lists; empty counts as unset', () => {
    expect(parseEnv(Schema, { PORT: '8080', FLAG: '1', NATS_URL: 'nats://a:4222, tls://b:4222' })).toEqual({ PORT: 8080, FLAG: true, NATS_URL: 'nats://a:4222, tls://b:4222' });
    expect(parseEnv(Schema, { PORT: '', FLAG: '', NATS_URL: 'nats://a' })).toEqual({ PORT: undefined, FLAG: false, NATS_URL: 'nats://a' });
  });

  it('names the bad variable', () => {
    expect(() => parseEnv(Schema, { PORT: '-1', NATS_URL: 'nats://a' })).toThrow(/PORT must be an integer ≥ 0/);
    expect(() => parseEnv(Schema, { FLAG: 'yes', NATS_URL: 'nats://a' })).toThrow(/FLAG/);
    expect(() => parseEnv(Schema, {})).toThrow(/NATS_URL is required/);
    expect(() => parseEnv(Schema, { NATS_URL: 'http://a' })).toThrow(ConfigError);
  });
});
