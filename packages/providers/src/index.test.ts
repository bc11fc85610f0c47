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
        'EXOTEL_API_BASE_URL',
        'EXOTEL_CHUNK_MULTIPLE_BYTES',
        'EXOTEL_ID_KEY_SETTING',
        'EXOTEL_MAX_CHUNK_BYTES',
        'EXOTEL_MIN_CHUNK_BYTES',
        'L16_INBOUND_BYTE_ORDER',
        'L16_OUTBOUND_BYTE_ORDER',
        'PLIVO_API_BASE_URL',
        'PROVIDER_API_RETRYABLE',
        'PlivoStyleStreamAdapter',
        'ProviderApiError',
        'ProviderApiErrorCode',
        'ProviderConfigError',
        'ProviderConfigErrorCode',
        'ProviderFrameError',
        'ProviderFrameErrorCode',
        'STREAM_PROVIDER_DESCRIPTORS',
        'TWILIO_API_BASE_URL',
        'TwilioStyleStreamAdapter',
        'VOBIZ_API_BASE_URL',
        'cloudonixProvider',
        'createCloudonixApiClient',
        'createExotelApiClient',
        'createPlivoApiClient',
        'createTwilioApiClient',
        'createVobizApiClient',
        'exotelProvider',
        'getStreamProvider',
        'normalizeAccountId',
        'normalizeCloudonixDomain',
        'plivoProvider',
        'resolveProviderSettings',
        'twilioProvider',
        'vobizProvider',
        'TwilioStyleBotWire',
        'twilioBotDialect',
        'cloudonixBotDialect',
        'exotelBotDialect',
        'TWILIO_STYLE_BOT_DIALECTS',
        'PlivoStyleBotWire',
        'vobizBotDialect',
        'plivoBotDialect',
        'PLIVO_STYLE_BOT_DIALECTS',
        'formatExtraHeaders',
        'plivoStyleAuthId',
      ].sort(),
    );
    for (const name of ['cloudonix', 'exotel', 'vobiz', 'twilio', 'plivo'] as const) {
      expect(providers.getStreamProvider(name)).toBe(providers[`${name}Provider`]);
    }
  });

  it('exports the test peers from ./testing', () => {
    expect(Object.keys(testing).sort()).toEqual(
      [
        'CloudonixMediaClient',
        'ExotelMediaClient',
        'MEDIA_CLIENT_PROVIDERS',
        'MediaClientConnectError',
        'PlivoMediaClient',
        'PlivoStyleMediaClient',
        'TEST_TWILIO_ACCOUNT_SID',
        'TwilioMediaClient',
        'TwilioStyleMediaClient',
        'VobizMediaClient',
        'cloudonixFixtures',
        'connectMediaClient',
        'decodeWire',
        'encodeWire',
        'exotelFixtures',
        'plivoFixtures',
        'startFakeCloudonixApi',
        'startFakeProviderApi',
        'twilioFixtures',
        'vobizFixtures',
      ].sort(),
    );
  });
});
