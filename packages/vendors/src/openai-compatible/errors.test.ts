import { describe, expect, it } from 'vitest';
import { bodyExcerptOf, MAX_BODY_EXCERPT_CHARS, OpenAiError } from './errors.ts';

describe('bodyExcerptOf', () => {
  it('redacts the key, bearer tokens and sk- keys, and cuts to the maximum length', () => {
    const key = 'my-secret-key-123';
    const text = `{"error":"bad key ${key}; also Bearer abc.def and sk-live_ABCDEFGH12 here"}\n${'x'.repeat(500)}`;
    const out = bodyExcerptOf(text, key);
    expect(out).not.toContain(key);
    expect(out).not.toContain('abc.def');
    expect(out).not.toContain('ABCDEFGH12');
    expect(out).not.toContain('\n');
    expect(out.length).toBeLessThanOrEqual(MAX_BODY_EXCERPT_CHARS);
  });

  it('derives retryable from the code', () => {
    expect(new OpenAiError('vendor_unavailable', 'm', { vendor: 'v', operation: 'chat', status: 503 }).retryable).toBe(true);
    expect(new OpenAiError('vendor_rejected', 'm', { vendor: 'v', operation: 'chat', status: 400 }).retryable).toBe(false);
  });
});
