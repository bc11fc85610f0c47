import type { ProviderName } from '../provider-name.ts';
import { PROVIDER_NAMES } from '../registry.ts';
import { CloudonixMediaClient } from './cloudonix-media-client.ts';
import { ExotelMediaClient } from './exotel-media-client.ts';
import type { ProviderMediaClient } from './media-client.ts';
import { PlivoMediaClient } from './plivo-media-client.ts';
import type { PlivoStyleClientOptions } from './plivo-style-media-client.ts';
import { TwilioMediaClient } from './twilio-media-client.ts';
import { VobizMediaClient } from './vobiz-media-client.ts';

/** How each registered provider's fake media client connects; a provider without one does not compile. */
const CONNECT: Readonly<Record<ProviderName, (url: string, options: PlivoStyleClientOptions) => Promise<ProviderMediaClient>>> = {
  cloudonix: (url, options) => CloudonixMediaClient.connect(url, options),
  exotel: (url, options) => ExotelMediaClient.connect(url, options),
  vobiz: (url, options) => VobizMediaClient.connect(url, options),
  twilio: (url, options) => TwilioMediaClient.connect(url, options),
  plivo: (url, options) => PlivoMediaClient.connect(url, options),
};

/** Providers with a fake media client: every registered one. */
export const MEDIA_CLIENT_PROVIDERS: readonly ProviderName[] = PROVIDER_NAMES;

/** One of {@link MEDIA_CLIENT_PROVIDERS}. */
export type MediaClientProvider = ProviderName;

/**
 * Connects the fake media client of `provider` to `url` (a full Agent Stream URL). Options
 * specific to Plivo-style peers (`flatStart`, byte orders) are ignored by the others.
 * Rejects with `MediaClientConnectError` when the upgrade is refused or the connection fails.
 */
export function connectMediaClient(provider: MediaClientProvider, url: string, options: PlivoStyleClientOptions = {}): Promise<ProviderMediaClient> {
  return CONNECT[provider](url, options);
}
