import type { ProviderName } from '@vr3/protocol';
import { CloudonixMediaClient } from './cloudonix-media-client.ts';
import { ExotelMediaClient } from './exotel-media-client.ts';
import type { ProviderMediaClient } from './media-client.ts';
import { PlivoMediaClient } from './plivo-media-client.ts';
import type { PlivoStyleClientOptions } from './plivo-style-media-client.ts';
import { TwilioMediaClient } from './twilio-media-client.ts';
import { VobizMediaClient } from './vobiz-media-client.ts';

/** Providers with a fake media client. */
export const MEDIA_CLIENT_PROVIDERS = ['cloudonix', 'exotel', 'vobiz', 'twilio', 'plivo'] as const satisfies readonly ProviderName[];

/** One of {@link MEDIA_CLIENT_PROVIDERS}. */
export type MediaClientProvider = (typeof MEDIA_CLIENT_PROVIDERS)[number];

/**
 * Connects the fake media client of `provider` to `url` (a full Agent Stream URL). Options
 * specific to Plivo-style peers (`flatStart`, byte orders) are ignored by the others.
 * Rejects with `MediaClientConnectError` when the upgrade is refused or the connection fails.
 */
export function connectMediaClient(provider: MediaClientProvider, url: string, options: PlivoStyleClientOptions = {}): Promise<ProviderMediaClient> {
  switch (provider) {
    case 'cloudonix':
      return CloudonixMediaClient.connect(url, options);
    case 'twilio':
      return TwilioMediaClient.connect(url, options);
    case 'exotel':
      return ExotelMediaClient.connect(url, options);
    case 'vobiz':
      return VobizMediaClient.connect(url, options);
    case 'plivo':
      return PlivoMediaClient.connect(url, options);
  }
}
