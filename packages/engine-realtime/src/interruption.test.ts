import { describe, expect, it } from 'vitest';
import { interruptionVerdict } from './interruption.ts';

describe('interruptionVerdict', () => {
  it('counts the speech without the silence that ended it', () => {
    // 1000 → 1900 with 500 ms of closing silence: 400 ms spoken.
    expect(interruptionVerdict({ audioStartMs: 1000, audioEndMs: 1900 }, 500, 500)).toBe('resume');
    expect(interruptionVerdict({ audioStartMs: 1000, audioEndMs: 2000 }, 500, 500)).toBe('interrupt');
    expect(interruptionVerdict({ audioStartMs: 1000, audioEndMs: 1400 }, 200, 300)).toBe('resume');
    expect(interruptionVerdict({ audioStartMs: 1000, audioEndMs: 1500 }, 200, 300)).toBe('interrupt');
  });
});
