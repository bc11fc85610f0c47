/**
 * The provider REST operations the control-plane performs on a live call. One implementation per
 * provider; each is built with that provider's stored credentials.
 */

/**
 * Identifies one call at a provider.
 * Cloudonix: `accountId` = normalized domain (`acme.cloudonix.net`), `callId` = session token
 * (`start.session`, not `start.callSid`).
 */
export interface CallRef {
  accountId: string;
  callId: string;
}

/**
 * Provider REST client. Every method honours `signal` and the client's own timeout, never hangs,
 * and rejects only with `ProviderApiError` (or `ProviderConfigError` for an unusable
 * {@link CallRef} / argument).
 */
export interface ProviderApiClient {
  /** Resolves only when the provider confirms the call is live in the credentials' account. */
  validateCall(ref: CallRef, signal?: AbortSignal): Promise<void>;
  /** Ends the call. A call that has already ended counts as success. */
  hangup(ref: CallRef, signal?: AbortSignal): Promise<void>;
  /** Moves the call to `target` (Cloudonix: a CXML document run on the live session). */
  transfer(ref: CallRef, target: string, signal?: AbortSignal): Promise<void>;
}

/** Default per-request timeout of provider API clients. */
export const DEFAULT_PROVIDER_API_TIMEOUT_MS = 5000;
