import { CloudonixStreamAdapter } from './stream-adapter.ts';
import type { ProviderDescriptor } from '../descriptor.ts';
import { cloudonixTelephony } from './telephony.ts';
import { cloudonixParseCallback, cloudonixPlaceCall } from './call-control.ts';

/**
 * Cloudonix Agent Stream support: `connected` then `start`, Twilio-compatible framing, μ-law 8 kHz,
 * `stop` ends the stream. The configuration is matched by the required `Domain` query parameter
 * (a run-bound stream of a placed call is matched by its stream token instead).
 */
export const cloudonixProvider: ProviderDescriptor<'cloudonix'> = Object.freeze({
  name: 'cloudonix',
  handshake: 'connected-then-start',
  streamEnd: 'stop-event',
  accountSource: 'query',
  accountParams: Object.freeze(['Domain']),
  settings: Object.freeze([]),
  createStreamAdapter: (): CloudonixStreamAdapter => new CloudonixStreamAdapter(),
  telephony: cloudonixTelephony,
  placeCall: cloudonixPlaceCall,
  parseCallback: cloudonixParseCallback,
});
