import { plivoStylePlaceCall } from '../plivo-style/call-control.ts';
import { VOBIZ_API_PREFIX, vobizHeaders } from './api-client.ts';

/** Places a Vobiz call (`POST /api/v1/Account/{auth_id}/Call/` with an answer URL and a hangup URL). */
export const vobizPlaceCall = plivoStylePlaceCall({ provider: 'vobiz', prefix: VOBIZ_API_PREFIX, headers: vobizHeaders });
