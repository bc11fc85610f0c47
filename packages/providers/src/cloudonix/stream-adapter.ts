import { MULAW_8K } from '@vr3/protocol';
import type { MediaFormat } from '@vr3/protocol';
import { TWILIO_STYLE_ENCODINGS } from '../media-format.ts';
import { twentyMsFraming } from '../settings.ts';
import { TwilioStyleStreamAdapter } from '../twilio-style/stream-adapter.ts';
import type { TwilioStyleProfile } from '../twilio-style/stream-adapter.ts';

/** Cloudonix audio when `start` carries no `mediaFormat`: μ-law at 8 kHz. */
export const CLOUDONIX_DEFAULT_FORMAT: MediaFormat = MULAW_8K;

const PROFILE: TwilioStyleProfile = Object.freeze({
  provider: 'cloudonix',
  defaultFormat: CLOUDONIX_DEFAULT_FORMAT,
  encodings: TWILIO_STYLE_ENCODINGS,
  readsSession: true,
  outboundIdKey: () => 'streamSid',
  framing: twentyMsFraming,
});

/**
 * Stream adapter for Cloudonix `<Connect><Stream>` sockets (Twilio-compatible framing).
 *
 * Inbound: `connected`, `start`, `media`, `dtmf`, `mark`, `stop`; camelCase or snake_case keys,
 * numbers as numbers or strings. `start.session` is the REST session token and `start.accountSid`
 * the Cloudonix domain. Outbound: `media`, `mark`, `clear`, each carrying `streamSid`, in 20 ms
 * messages.
 */
export class CloudonixStreamAdapter extends TwilioStyleStreamAdapter {
  constructor() {
    super(PROFILE);
  }
}
