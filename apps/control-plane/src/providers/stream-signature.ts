import { StreamErrorCode, type StreamUpgrade } from '@vr3/protocol';
import { getProvider } from '@vr3/providers';
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
 * telephony configuration's credentials, by the provider descriptor's `upgradeSignature` (Twilio:
 * `X-Twilio-Signature`, HMAC-SHA1 under the auth token over the URL Twilio requested, a GET: no
 * parameters). Checked when the configuration's provider signs upgrades and the edge knows the
 * public URL (`upgrade.url`, from the edge's `VR3_PUBLIC_URL`); then a missing or wrong signature
 * refuses the stream `invalid_signature`. Other providers and unknown URLs: nothing to check.
 * Never logs or returns the URL or the key.
 */
export function checkStreamSignature(
  ctx: Pick<ControlPlaneContext, 'secretKey'>,
  configuration: ConfigurationRow | null,
  upgrade: StreamUpgrade | undefined,
): StreamSignatureCheck {
  const spec = configuration === null ? undefined : getProvider(configuration.provider)?.telephony.upgradeSignature;
  if (configuration === null || spec === undefined) return NOT_CHECKED;
  if (upgrade?.url === undefined) return NOT_CHECKED;
  const signature = upgrade.signature_headers[spec.header];
  if (signature === undefined || signature === '') return refused(`invalid signature: ${spec.label} missing`);
  let secret: string | undefined;
  try {
    secret = configuration.credentialsCiphertext ? openCredentials(ctx.secretKey, configuration.id, configuration.credentialsCiphertext)[spec.credentialField] : undefined;
  } catch {
    return { ok: false, code: StreamErrorCode.Internal, message: 'server error', error: 'invalid signature: stored credentials unreadable' };
  }
  // `resolveConfiguration` refuses a configuration without credentials before this point.
  if (secret === undefined || secret === '') return { ok: false, code: StreamErrorCode.ConfigurationMissingCredentials, message: 'configuration has no credentials', error: StreamErrorCode.ConfigurationMissingCredentials };
  return spec.verify(upgrade.url, signature, secret) ? { ok: true, verified: true } : refused(`invalid signature: ${spec.label} does not match`);
}

function refused(error: string): StreamSignatureCheck {
  return { ok: false, code: StreamErrorCode.InvalidSignature, message: 'invalid signature', error };
}
