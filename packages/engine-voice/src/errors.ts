import { EngineError, EngineErrorCode } from '@vr3/agent';
import { VendorError } from '@vr3/vendors';

/**
 * The engine failure a vendor error ends the call with: `agent_error`, naming the vendor, the
 * operation and the HTTP status (never the key, the URL or the body).
 */
export function vendorFailure(stage: 'stt' | 'llm' | 'tts' | 'session', err: unknown): EngineError {
  if (err instanceof VendorError) {
    const status = err.status ?? err.httpStatus;
    const what = `${err.vendor} ${err.operation ?? stage}`;
    return new EngineError(EngineErrorCode.AgentError, `${stage}: ${what} failed (${err.code}${status === undefined ? '' : ` ${status}`})`, { cause: err, retryable: err.retryable });
  }
  return new EngineError(EngineErrorCode.AgentError, `${stage} failed`, { cause: err });
}
