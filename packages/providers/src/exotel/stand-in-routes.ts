import type { StandInRoutes } from '../testing/stand-in-routes.ts';
import { decodeSegments } from '../testing/stand-in-routes.ts';

const CALL_PATH = /^\/v1\/Accounts\/([^/]+)\/Calls\/([^/]+?)(?:\.json)?$/;

/**
 * Exotel in the stand-in (Basic `api_key:api_token`): call details `GET /v1/Accounts/{sid}/Calls/
 * {call}.json` → `{"Call":{Sid, AccountSid, Status}}`. No hangup or transfer route: Exotel does both
 * by the stream closing. Unknown calls 404.
 */
export const exotelStandInRoutes: StandInRoutes = Object.freeze<StandInRoutes>({
  provider: 'exotel',
  auth: Object.freeze({ scheme: 'basic', user: 'api_key', secret: 'api_token' }),
  testAccount: 'exotel-test-account',
  testCredentials: Object.freeze({ api_key: 'exotel-test-key', api_token: 'exotel-test-token' }),
  endedStatus: 'completed',
  match(req) {
    const m = CALL_PATH.exec(req.path);
    if (m === null) return null;
    if (req.method !== 'GET') return 'method';
    const ids = decodeSegments(m[1], m[2]);
    return ids === 'bad-path' ? ids : { operation: 'validate', ...ids };
  },
  canonicalAccount: (account) => account,
  operate(m, status) {
    if (status === undefined) return { answer: { status: 404, body: { RestException: { Status: 404, Message: 'Call not found' } } } };
    return { answer: { status: 200, body: { Call: { Sid: m.call, AccountSid: m.account, Status: status } } } };
  },
});
