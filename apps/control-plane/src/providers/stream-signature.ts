import { StreamErrorCode, type StreamUpgrade } from '@vr3/protocol';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from '@vr3/providers';
import type { ControlPlaneContext } from '../context.ts';
import type { ConfigurationRow } from '../db/rows.ts';
import { openCredentials } from './credentials.ts';

/** Outcome of {@link checkStreamSignature}. */
export type StreamSignatureCheck =
  /** `verified`: a signature was checked and matched; false: nothing to check (not a signing provider, or the URL is unknown). */
  | { readonly ok: true; readonly verified: boolean }
  /** The stream is refused (4400); `error` is the run's short failure description. */
  | { readonly ok: false; readonly code: StreamErrorCode; readonly message: string; readonly error: string };

const NOT_CHECKED: StreamSignatureCheck = Object.freeze({ ok: true, verified: false });

/**
 * Checks the provider's signature of a stream's WebSocket upgrade request against the matched
 * telephony configuration's credentials. Twilio: `X-Twilio-Signature`, HMAC-SHA1 under the
 * configuration's auth token over the URL Twilio requested (a GET: no parameters). Checked when
 * the configuration is Twilio's and the edge knows the public URL (`upgrade.url`, from the edge's
 * `VR3_PUBLIC_URL`); then a missing or wrong signature refuses the stream `invalid_signature`.
 * Other providers and unknown URLs: nothing to check. Never logs or returns the URL or the token.
 */
export function checkStreamSignature(
  ctx: Pick<ControlPlaneContext, 'secretKey'>,
  configuration: ConfigurationRow | null,
  upgrade: StreamUpgrade | undefined,
): StreamSignatureCheck {
  if (configuration === null || configuration.provider !== 'twilio') return NOT_CHECKED;
  if (upgrade?.url === undefined) return NOT_CHECKED;
  const signature = upgrade.signature_headers[TWILIO_SIGNATURE_HEADER];
  if (signature === undefined || signature === '') return refused('invalid signature: X-Twilio-Signature missing');
  let authToken: string | undefined;
  try {
    authToken = configuration.credentialsCiphertext ? openCredentials(ctx.secretKey, configuration.id, configuration.credentialsCiphertext)['auth_token'] : undefined;
  } catch {
    return { ok: false, code: StreamErrorCode.Internal, message: 'server error', error: 'invalid signature: stored credentials unreadable' };
  }
  // `resolveConfiguration` refuses a configuration without credentials before this point.
  if (authToken === undefined || authToken === '') return { ok: false, code: StreamErrorCode.ConfigurationMissingCredentials, message: 'configuration has no credentials', error: StreamErrorCode.ConfigurationMissingCredentials };
  return verifyTwilioSignature(upgrade.url, {}, signature, authToken) ? { ok: true, verified: true } : refused('invalid signature: X-Twilio-Signature does not match');
}

function refused(error: string): StreamSignatureCheck {
  return { ok: false, code: StreamErrorCode.InvalidSignature, message: 'invalid signature', error };
}
