import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, generatePassword, hashPassword, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('stores a salted scrypt hash that verifies only the same password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    // Composed and decomposed forms of one text are one password.
    expect(await verifyPassword('caf\u00e9 password 01', await hashPassword('cafe\u0301 password 01'))).toBe(true);
  });

  it('answers false, after the same work, without a usable hash', async () => {
    for (const stored of [null, undefined, '', 'plain', 'scrypt$1$2']) expect(await verifyPassword('anything at all', stored)).toBe(false);
  });

  it('verifies hashes of other costs (parameters are read from the hash)', async () => {
    const cheap = 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0c2FsdA$' + 'x'.repeat(43);
    expect(await verifyPassword('whatever password', cheap)).toBe(false);
  });

  it('policy: 12 to 256 characters (code points), precise codes, the value never in the message', () => {
    expect(() => checkPasswordPolicy('x'.repeat(11))).toThrow(expect.objectContaining({ code: 'password_too_short', message: 'password must be at least 12 characters' }));
    expect(() => checkPasswordPolicy('y'.repeat(257), 'new_password')).toThrow(expect.objectContaining({ code: 'password_too_long', message: 'new_password must be at most 256 characters' }));
    expect(() => checkPasswordPolicy('x'.repeat(12))).not.toThrow();
    expect(() => checkPasswordPolicy('😀'.repeat(12))).not.toThrow();
    expect(generatePassword()).toMatch(/^[\w-]{24}$/);
  });
});
