import { Vr3Error } from '@vr3/protocol';
import { describe, expect, it } from 'vitest';
import { PROVIDER_API_RETRYABLE, ProviderApiError, ProviderApiErrorCode, ProviderConfigError, ProviderFrameError } from './errors.ts';

describe('provider errors', () => {
  it('are Vr3Errors with a stable code, a name and a chained cause', () => {
    const cause = new Error('low level');
    for (const err of [
      new ProviderFrameError('malformed_frame', 'm', { cause }),
      new ProviderConfigError('invalid_domain', 'm', { cause }),
      new ProviderApiError('provider_network', 'm', { provider: 'cloudonix', operation: 'hangup', cause }),
    ]) {
      expect(err).toBeInstanceOf(Vr3Error);
      expect(err.cause).toBe(cause);
      expect(err.name).toBe(err.constructor.name);
    }
  });

  it('derives retryable from the API error code', () => {
    for (const code of Object.values(ProviderApiErrorCode)) {
      const err = new ProviderApiError(code, 'm', { provider: 'cloudonix', operation: 'validate', status: 500 });
      expect(err.retryable).toBe(PROVIDER_API_RETRYABLE[code]);
      expect(err.status).toBe(500);
    }
    expect(Object.entries(PROVIDER_API_RETRYABLE).filter(([, r]) => r).map(([c]) => c).sort()).toEqual([
      'provider_network',
      'provider_timeout',
      'provider_unavailable',
    ]);
    expect(new ProviderFrameError('malformed_frame', 'm').retryable).toBe(false);
  });

  it('omits status when there was no HTTP answer', () => {
    expect('status' in new ProviderApiError('provider_timeout', 'm', { provider: 'cloudonix', operation: 'validate' })).toBe(false);
  });
});
