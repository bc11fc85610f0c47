import { plivoStylePlaceCall, type PlivoStylePlacement } from '../plivo-style/call-control.ts';
import { plivoStyleAttachStream, plivoStyleStopStream } from '../plivo-style/stream-control.ts';
import { VOBIZ_API_PREFIX, vobizHeaders } from './api-client.ts';

const API: PlivoStylePlacement = Object.freeze({ provider: 'vobiz', prefix: VOBIZ_API_PREFIX, headers: vobizHeaders });

/** Places a Vobiz call (`POST /api/v1/Account/{auth_id}/Call/` with an answer URL and a hangup URL). */
export const vobizPlaceCall = plivoStylePlaceCall(API);

/** Opens a stream on a live Vobiz call (`POST /api/v1/Account/{auth_id}/Call/{call_uuid}/Stream/`). */
export const vobizAttachStream = plivoStyleAttachStream(API, 24000);

/** Stops a stream opened on a Vobiz call (`DELETE …/Call/{call_uuid}/Stream/{stream_id}/`). */
export const vobizStopStream = plivoStyleStopStream(API);
