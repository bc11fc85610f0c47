import type { CredentialCheckResult } from '@vr3/providers';

/**
 * REST shape of a credentials test (`POST /telephony-configurations/{id}/test`,
 * `POST /service-credentials/{id}/test`): `{ok, checked_at, latency_ms, status?, error?}`, where
 * `status` is the provider's or vendor's HTTP status when it answered and `error` is
 * `{code, message}` (`invalid_credentials`, `unreachable`, `unexpected_response`,
 * `address_not_allowed`, `invalid_configuration`). Never a secret or the remote body.
 */
export function credentialTestView(result: CredentialCheckResult, checkedAt: Date) {
  return {
    ok: result.ok,
    checked_at: checkedAt.toISOString(),
    latency_ms: result.latencyMs,
    ...(result.status === undefined ? {} : { status: result.status }),
    ...(result.error === undefined ? {} : { error: { code: result.error.code, message: result.error.message } }),
  };
}

/** The result of a test whose stored secret cannot be opened (altered, or sealed under another key). */
export const UNREADABLE_SECRET: CredentialCheckResult = Object.freeze({
  ok: false,
  latencyMs: 0,
  error: Object.freeze({ code: 'invalid_configuration', message: 'the stored credentials cannot be decrypted' }),
});
