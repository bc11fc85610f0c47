import type { ProviderDescriptor } from '../adapter.ts';
import { CloudonixStreamAdapter } from './stream-adapter.ts';

/** Cloudonix Agent Stream support: `connected` then `start`, Twilio-compatible framing, μ-law 8 kHz. */
export const cloudonixProvider: ProviderDescriptor = Object.freeze({
  name: 'cloudonix',
  handshake: 'connected-then-start',
  createStreamAdapter: (): CloudonixStreamAdapter => new CloudonixStreamAdapter(),
});
