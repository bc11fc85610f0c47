/**
 * The URLs of one outbound call's run that the product gives its provider, on the public base URL:
 * the run-bound stream URL (carrying the stream token), the run-bound answer URL (Vobiz/Plivo fetch
 * it when the call is answered; it returns the `<Stream>` document naming the stream URL) and the
 * status callback URL (carrying the run's callback secret). All are secrets: never logged.
 */
import { publicBasesOf } from '@vr3/env';

/** Path of the status callbacks, under `/api/v1`: `/callbacks/{provider}/{run_id}?s=<secret>`. */
export const CALLBACKS_PATH = '/callbacks';
/** Path of the run-bound answer URLs, under `/api/v1`: `/calls/{run_id}/answer?stream_token=<token>`. */
export const CALL_ANSWER_PATH = '/calls';
/** Query parameter of a callback URL carrying the run's callback secret. */
export const CALLBACK_SECRET_PARAM = 's';

/** The URLs of one outbound run. */
export interface RunUrls {
  /** `{ws base}/api/v1/agent-stream/{provider}/{agent_uuid}/{stream_token}`: the path form, which every provider takes (Twilio forbids a query string). */
  streamUrl: string;
  /** `{http base}/api/v1/calls/{run_id}/answer?stream_token=…`. */
  answerUrl: string;
  /** `{http base}/api/v1/callbacks/{provider}/{run_id}?s=…`. */
  statusCallbackUrl: string;
}

/** The run-bound stream URL of a run of `agentUuid` on `provider` carrying `streamToken`. */
export function runStreamUrl(publicUrl: string, provider: string, agentUuid: string, streamToken: string): string {
  return `${publicBasesOf(publicUrl).stream}/api/v1/agent-stream/${encodeURIComponent(provider)}/${encodeURIComponent(agentUuid)}/${encodeURIComponent(streamToken)}`;
}

/** Every URL of run `runId`, on `publicUrl`. */
export function runUrls(publicUrl: string, run: { id: string; provider: string; agentUuid: string }, streamToken: string, callbackSecret: string): RunUrls {
  const http = publicBasesOf(publicUrl).http;
  const id = encodeURIComponent(run.id);
  return {
    streamUrl: runStreamUrl(publicUrl, run.provider, run.agentUuid, streamToken),
    answerUrl: `${http}/api/v1${CALL_ANSWER_PATH}/${id}/answer?stream_token=${encodeURIComponent(streamToken)}`,
    statusCallbackUrl: `${http}/api/v1${CALLBACKS_PATH}/${encodeURIComponent(run.provider)}/${id}?${CALLBACK_SECRET_PARAM}=${encodeURIComponent(callbackSecret)}`,
  };
}
