import { describe, expect, it } from 'vitest';
import { bodyExcerptOf, MAX_BODY_EXCERPT_CHARS, VendorError } from './errors.ts';

describe('VendorError', () => {
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
    expect(new VendorError('v', 'vendor_unavailable', 'm', { operation: 'chat', status: 503 }).retryable).toBe(true);
    expect(new VendorError('v', 'vendor_rejected', 'm', { operation: 'chat', status: 400 }).retryable).toBe(false);
  });
});

describe('VendorError codes', () => {
  it('keeps a streaming close retryable only when the caller says so', () => {
    expect(new VendorError('deepgram', 'vendor_closed', 'm', { closeCode: 1008, retryable: false }).retryable).toBe(false);
    expect(new VendorError('deepgram', 'idle_timeout', 'm').retryable).toBe(true);
    expect(new VendorError('deepgram', 'vendor_error', 'm', { vendorCode: 'x'.repeat(150) }).vendorCode).toHaveLength(100);
  });
});
