import { describe, expect, it } from 'vitest';
import { closeText } from './close-text.ts';

describe('closeText', () => {
  it('shows the code, the reason when there is one, and who closed', () => {
    expect(closeText({ code: 4400, reason: 'session validation failed', initiator: 'edge' })).toBe('4400 "session validation failed", closed by the edge');
    expect(closeText({ code: 1000, reason: '', initiator: 'peer' })).toBe('1000, closed by the provider');
  });

  it('shows a dash without a recorded close', () => {
    expect(closeText(null)).toBe('—');
  });
});
