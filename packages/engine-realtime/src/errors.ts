import { EngineError, EngineErrorCode } from '@vr3/agent';
import { VendorError, type RealtimeErrorInfo } from '@vr3/vendors';

/**
 * Codes of the vendor's `error` events that are races of a live conversation, not failures: the
 * call goes on (a `warn` log run event keeps them).
 */
export const BENIGN_REALTIME_ERRORS: ReadonlySet<string> = new Set([
  /** A response was asked for while the server VAD had just started one. */
  'conversation_already_has_active_response',
  /** A cancel arrived after the response had ended. */
  'response_cancel_not_active',
]);

/** The {@link VendorError} of a server `error` event (its type and code; the text only as `vendorMessage`). */
export function errorEventFailure(vendor: string, error: RealtimeErrorInfo): VendorError {
  return new VendorError(vendor, 'vendor_error', `${vendor} realtime reported an error`, {
    operation: 'realtime',
    vendorCode: error.code ?? error.type,
    vendorMessage: error.message,
  });
}

/**
 * The engine failure a vendor error ends the call with: `agent_error`, naming the vendor, the error
 * code and the HTTP status or the vendor's own code (never the key, the URL or a body).
 */
export function realtimeFailure(err: unknown): EngineError {
  if (err instanceof VendorError) {
    const detail = err.status ?? err.httpStatus ?? err.vendorCode;
    return new EngineError(EngineErrorCode.AgentError, `realtime: ${err.vendor} realtime failed (${err.code}${detail === undefined ? '' : ` ${detail}`})`, {
      cause: err,
      retryable: err.retryable,
    });
  }
  return new EngineError(EngineErrorCode.AgentError, 'realtime: session failed', { cause: err });
}
