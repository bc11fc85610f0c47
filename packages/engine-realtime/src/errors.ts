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

/** What a failure is logged and kept on the run with: the vendor, its code and the HTTP status (never a key, a URL or a body). */
export function failureFields(failure: EngineError) {
  const cause = failure.cause instanceof VendorError ? failure.cause : undefined;
  return { vendor: cause?.vendor, vendor_code: cause?.vendorCode ?? cause?.code, status: cause?.status ?? cause?.httpStatus };
}

/** Server events a session waits for after a command of its own, each within the reply deadline. */
export type RealtimeAwaitedEvent = 'session.updated' | 'response.created';

/**
 * The failure of a vendor that did not answer in time: `agent_error` naming the vendor, the code
 * (`vendor_timeout`), the event awaited and the deadline. Its cause is the {@link VendorError}.
 */
export function realtimeTimeoutFailure(vendor: string, awaited: RealtimeAwaitedEvent, timeoutMs: number): EngineError {
  const cause = new VendorError(vendor, 'vendor_timeout', `${vendor} realtime sent no ${awaited} within ${timeoutMs} ms`, { operation: 'realtime' });
  return new EngineError(EngineErrorCode.AgentError, `realtime: ${vendor} realtime failed (vendor_timeout: no ${awaited} within ${timeoutMs} ms)`, { cause, retryable: true });
}

/** The {@link VendorError} of a `response.done` with status `failed` (its `status_details.error` code; the text only as `vendorMessage`). */
export function responseFailure(vendor: string, response: Record<string, unknown>): VendorError {
  const details = typeof response.status_details === 'object' && response.status_details !== null ? (response.status_details as Record<string, unknown>) : {};
  const error = typeof details.error === 'object' && details.error !== null ? (details.error as Record<string, unknown>) : {};
  const code = typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : 'response_failed';
  return errorEventFailure(vendor, { type: 'response_failed', code, message: typeof error.message === 'string' ? error.message : '' });
}
