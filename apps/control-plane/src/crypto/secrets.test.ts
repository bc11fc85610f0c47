import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretErrorCode } from '../errors.ts';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from './api-keys.ts';
import { openSecret, parseSecretKey, sealSecret } from './secrets.ts';

describe('parseSecretKey', () => {
  it('accepts 32 bytes as hex, base64 and base64url', () => {
    const raw = randomBytes(32);
    expect(parseSecretKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseSecretKey(`${raw.toString('base64url')}\n`).equals(raw)).toBe(true);
  });

  it('rejects other lengths and encodings without echoing the value', () => {
    for (const bad of ['', 'abc', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), 'z'.repeat(64)]) {
      try {
        parseSecretKey(bad);
        expect.unreachable();
      } catch (err) {
        expect(err).toMatchObject({ code: SecretErrorCode.InvalidKey });
        if (bad) expect((err as Error).message).not.toContain(bad);
      }
    }
  });
});

describe('sealSecret / openSecret', () => {
  const key = randomBytes(32);

  it('round-trips with a versioned format and a fresh IV each time', () => {
    const a = sealSecret(key, 'token-123', 'cfg-1');
    const b = sealSecret(key, 'token-123', 'cfg-1');
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('token-123');
    expect(openSecret(key, a, 'cfg-1')).toBe('token-123');
    expect(openSecret(key, sealSecret(key, ''), '')).toBe('');
  });

  it('detects tampering, a wrong key, a wrong context and unknown versions', () => {
    const sealed = sealSecret(key, 'token-123', 'cfg-1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const tampered = [parts[0], parts[1], parts[2], body.toString('base64url')].join('.');
    const unreadable = { code: SecretErrorCode.Unreadable };
    expect(() => openSecret(key, tampered, 'cfg-1')).toThrow(expect.objectContaining(unreadable));
    expect(() => openSecret(randomBytes(32), sealed, 'cfg-1')).toThrow(expect.objectContaining(unreadable));
    expect(() => openSecret(key, sealed, 'cfg-2')).toThrow(expect.objectContaining(unreadable));
    expect(() => openSecret(key, `v2${sealed.slice(2)}`, 'cfg-1')).toThrow(expect.objectContaining(unreadable));
    expect(() => openSecret(key, 'garbage', 'cfg-1')).toThrow(expect.objectContaining(unreadable));
  });
});

describe('API keys', () => {
  it('are vr3_-prefixed, random, stored only as a SHA-256 hash', () => {
    const a = generateApiKey();
    expect(a).toMatch(/^vr3_[\w-]{32}$/);
    expect(generateApiKey()).not.toBe(a);
    expect(hashApiKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(a)).toBe(hashApiKey(a));
    expect(apiKeyDisplayPrefix(a)).toBe(a.slice(0, 12));
  });
});
