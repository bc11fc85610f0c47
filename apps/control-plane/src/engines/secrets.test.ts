import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretErrorCode } from '../errors.ts';
import { openEngineSecrets, sealEngineSecrets } from './secrets.ts';

const key = randomBytes(32);
const secrets = [
  { path: ['headers', 'Authorization'], value: 'Bearer abc' },
  { path: ['headers', 'X-Key'], value: 'k' },
];

describe('engine secrets sealing', () => {
  it('round-trips, and seals nothing when there is nothing to seal', () => {
    const sealed = sealEngineSecrets(key, 'version-1', secrets);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('Bearer');
    expect(openEngineSecrets(key, 'version-1', sealed)).toEqual(secrets);
    expect(sealEngineSecrets(key, 'version-1', [])).toBeNull();
    expect(openEngineSecrets(key, 'version-1', null)).toEqual([]);
  });

  it('refuses a value of another row, another key, or altered', () => {
    const sealed = sealEngineSecrets(key, 'version-1', secrets)!;
    expect(() => openEngineSecrets(key, 'version-2', sealed)).toThrow(expect.objectContaining({ code: SecretErrorCode.Unreadable }));
    expect(() => openEngineSecrets(randomBytes(32), 'version-1', sealed)).toThrow(expect.objectContaining({ code: SecretErrorCode.Unreadable }));
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => openEngineSecrets(key, 'version-1', parts.join('.'))).toThrow(expect.objectContaining({ code: SecretErrorCode.Unreadable }));
  });
});
