import { plivoStylePlaceCall } from '../plivo-style/call-control.ts';
import { PLIVO_API_PREFIX, plivoHeaders } from './api-client.ts';

/** Places a Plivo call (`POST /v1/Account/{auth_id}/Call/` with an answer URL and a hangup URL). */
export const plivoPlaceCall = plivoStylePlaceCall({ provider: 'plivo', prefix: PLIVO_API_PREFIX, headers: plivoHeaders });
