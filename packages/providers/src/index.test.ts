import { describe, expect, it } from 'vitest';
import * as providers from '@vr3/providers';
import * as testing from '@vr3/providers/testing';

describe('package entry points', () => {
  it('exports the public API from the barrel', () => {
    expect(Object.keys(providers).sort()).toEqual(
      [
        'CLOUDONIX_API_BASE_URL',
        'CLOUDONIX_DEFAULT_FORMAT',
        'CLOUDONIX_DOMAIN_SUFFIX',
        'CloudonixStreamAdapter',
        'DEFAULT_PROVIDER_API_TIMEOUT_MS',
        'PROVIDER_API_RETRYABLE',
        'ProviderApiError',
        'ProviderApiErrorCode',
        'ProviderConfigError',
        'ProviderConfigErrorCode',
        'ProviderFrameError',
        'ProviderFrameErrorCode',
        'STREAM_PROVIDER_DESCRIPTORS',
        'cloudonixProvider',
        'createCloudonixApiClient',
        'getStreamProvider',
        'normalizeCloudonixDomain',
      ].sort(),
    );
    expect(providers.getStreamProvider('cloudonix')).toBe(providers.cloudonixProvider);
  });

  it('exports the test peers from ./testing', () => {
    expect(Object.keys(testing).sort()).toEqual(['CloudonixMediaClient', 'MediaClientConnectError', 'cloudonixFixtures', 'startFakeCloudonixApi']);
  });
});
