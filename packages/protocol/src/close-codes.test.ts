import { describe, expect, it } from 'vitest';
import { MAX_CLOSE_REASON_BYTES, toCloseReason } from './close-codes.ts';
import { RunCloseSchema } from './messages.ts';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('toCloseReason', () => {
  it('keeps a short safe reason as it is', () => {
    expect(toCloseReason('session validation failed')).toBe('session validation failed');
  });

  it('replaces NUL and unpaired surrogates, then cuts between characters to 123 bytes', () => {
    expect(toCloseReason('a\u0000b\ud800')).toBe('a\uFFFDb\uFFFD');
    // 41 NULs become 41 three-byte U+FFFD (123 bytes); a 42nd would not fit.
    expect(toCloseReason('\u0000'.repeat(42))).toBe('\uFFFD'.repeat(41));
    const cut = toCloseReason('é'.repeat(100));
    expect(cut).toBe('é'.repeat(61));
    expect(bytes(cut)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    expect(toCloseReason('🙂'.repeat(40))).toBe('🙂'.repeat(30));
  });

  it('always gives what RunCloseSchema accepts', () => {
    for (const reason of ['\u0000'.repeat(200), 'x'.repeat(500), '\udc00é🙂'.repeat(50)]) {
      expect(RunCloseSchema.safeParse({ code: 1000, reason: toCloseReason(reason), initiator: 'peer' }).success).toBe(true);
      expect(RunCloseSchema.safeParse({ code: 1000, reason, initiator: 'peer' }).success).toBe(false);
    }
  });
});
