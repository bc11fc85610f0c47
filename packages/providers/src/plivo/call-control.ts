import { plivoStylePlaceCall, type PlivoStylePlacement } from '../plivo-style/call-control.ts';
import { plivoStyleAttachStream, plivoStyleStopStream } from '../plivo-style/stream-control.ts';
import { PLIVO_API_PREFIX, plivoHeaders } from './api-client.ts';

const API: PlivoStylePlacement = Object.freeze({ provider: 'plivo', prefix: PLIVO_API_PREFIX, headers: plivoHeaders });

/** Places a Plivo call (`POST /v1/Account/{auth_id}/Call/` with an answer URL and a hangup URL). */
export const plivoPlaceCall = plivoStylePlaceCall(API);

/** Opens a stream on a live Plivo call (`POST /v1/Account/{auth_id}/Call/{call_uuid}/Stream/`). */
export const plivoAttachStream = plivoStyleAttachStream(API, 16000);

/** Stops a stream opened on a Plivo call (`DELETE …/Call/{call_uuid}/Stream/{stream_id}/`). */
export const plivoStopStream = plivoStyleStopStream(API);
