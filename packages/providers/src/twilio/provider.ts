import { MULAW_8K } from '@vr3/protocol';
import { TWILIO_STYLE_ENCODINGS } from '../media-format.ts';
import { twentyMsFraming } from '../settings.ts';
import { TwilioStyleStreamAdapter } from '../twilio-style/stream-adapter.ts';
import type { TwilioStyleProfile } from '../twilio-style/stream-adapter.ts';
import type { ProviderDescriptor } from '../descriptor.ts';
import { twilioTelephony } from './telephony.ts';
import { twilioAnswerDocument } from './answer-document.ts';
import { twilioCallbackSignature, twilioParseCallback, twilioPlaceCall } from './call-control.ts';

const PROFILE: TwilioStyleProfile = Object.freeze({
  provider: 'twilio',
  defaultFormat: MULAW_8K,
  encodings: TWILIO_STYLE_ENCODINGS,
  readsSession: false,
  outboundIdKey: () => 'streamSid',
  framing: twentyMsFraming,
});

/**
 * Twilio Media Streams (`<Connect><Stream>`): `connected` then `start`, μ-law 8 kHz, `media` /
 * `mark` / `clear` with `streamSid`, `stop` ends the stream. The account is `start.accountSid`;
 * caller and called numbers may come as `<Parameter>`s (`start.customParameters.from` / `to`).
 * Twilio forbids query strings in `<Stream url>`: use the path form
 * `/api/v1/agent-stream/twilio/{agent_uuid}`.
 */
export const twilioProvider: ProviderDescriptor<'twilio'> = Object.freeze({
  name: 'twilio',
  handshake: 'connected-then-start',
  streamEnd: 'stop-event',
  accountSource: 'start',
  accountParams: Object.freeze(['AccountSid', 'accountSid']),
  settings: Object.freeze([]),
  createStreamAdapter: (): TwilioStyleStreamAdapter => new TwilioStyleStreamAdapter(PROFILE),
  telephony: twilioTelephony,
  placeCall: twilioPlaceCall,
  answerDocument: twilioAnswerDocument,
  parseCallback: twilioParseCallback,
  callbackSignature: twilioCallbackSignature,
});
