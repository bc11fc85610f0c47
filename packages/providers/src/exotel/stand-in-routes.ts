import { randomBytes } from 'node:crypto';
import type { StandInAccountRead, StandInDialing, StandInRoutes } from '../testing/stand-in-routes.ts';
import { accountPathMatch, decodeSegments, formField } from '../testing/stand-in-routes.ts';

const CALL_PATH = /^\/v1\/Accounts\/([^/]+)\/Calls\/([^/]+?)(?:\.json)?$/;
const BALANCE_PATH = /^\/v1\/Accounts\/([^/]+)\/Balance(?:\.json)?$/;
const CONNECT_PATH = /^\/v1\/accounts\/([^/]+)\/calls\/connect(?:\.json)?$/i;
/** Exotel's `EventType` for each status the dial-back reports. */
const EVENT_TYPE: Readonly<Record<string, string>> = Object.freeze({ ringing: 'ringing', 'in-progress': 'answered' });

/** The first non-empty form field among `names` (Exotel's docs spell them lower-case and PascalCase). */
const anyField = (body: string, ...names: string[]): string | null => names.map((n) => formField(body, n)).find((v) => v !== null) ?? null;

/**
 * Exotel Connect Voice AI: `POST /v1/accounts/{sid}/calls/connect` (form `from` = the number to
 * dial, `callerid`, `streamurl`, `streamtype=bidirectional`, `statuscallback`; PascalCase too) →
 * 200 `{"call":{sid, status:"in-progress", from, phonenumbersid, direction:"outbound-api"}}` (400
 * without `from`, `callerid` or `streamurl`); the answered call streams to `streamurl`. Status
 * callbacks are forms with `CallSid`, `Status`, `EventType` (`ringing`, `answered`, `terminal`),
 * `ConversationDuration` on terminal events.
 */
const exotelDialing: StandInDialing = Object.freeze<StandInDialing>({
  match: accountPathMatch(CONNECT_PATH, 'POST'),
  read(req) {
    const to = anyField(req.body, 'from', 'From');
    const from = anyField(req.body, 'callerid', 'CallerId');
    const streamUrl = anyField(req.body, 'streamurl', 'StreamUrl');
    if (to === null || from === null || streamUrl === null) return { refusal: { status: 400, body: { RestException: { Status: 400, Message: 'from, callerid and streamurl are required' } } } };
    return { to, from, streamUrl, statusCallbackUrl: anyField(req.body, 'statuscallback', 'StatusCallback') ?? undefined };
  },
  newCallId: () => randomBytes(16).toString('hex'),
  accepted: (_account, callId, p) => ({
    status: 200,
    body: { call: { sid: callId, status: 'in-progress', from: p.to, phonenumbersid: p.from, direction: 'outbound-api', datecreated: new Date().toISOString(), recordingurl: null } },
  }),
  statusForm({ callId, placement, status, durationS }) {
    const form: Record<string, string> = { CallSid: callId, From: placement.to, To: placement.from, Direction: 'outbound-api', Status: status, EventType: EVENT_TYPE[status] ?? 'terminal' };
    if (durationS !== undefined) form['ConversationDuration'] = String(durationS);
    return form;
  },
});

/** Exotel's Account Balance API: `GET /v1/Accounts/{sid}/Balance.json` → `{"Account":{AccountSid, BalanceData}}`. */
const exotelAccountRead: StandInAccountRead = Object.freeze<StandInAccountRead>({
  match: accountPathMatch(BALANCE_PATH, 'GET'),
  answer: (account) => ({ status: 200, body: { Account: { AccountSid: account, BalanceData: { Balance: '1000.00', Currency: 'INR', PricingPlan: 'Pay As You Go' } } } }),
});

/**
 * Exotel in the stand-in (Basic `api_key:api_token`): call details `GET /v1/Accounts/{sid}/Calls/
 * {call}.json` → `{"Call":{Sid, AccountSid, Status}}`, and Connect Voice AI (above). No hangup or
 * transfer route: Exotel does both by the stream closing. Unknown calls 404.
 */
export const exotelStandInRoutes: StandInRoutes = Object.freeze<StandInRoutes>({
  provider: 'exotel',
  auth: Object.freeze({ scheme: 'basic', user: 'api_key', secret: 'api_token' }),
  testAccount: 'exotel-test-account',
  testCredentials: Object.freeze({ api_key: 'exotel-test-key', api_token: 'exotel-test-token' }),
  endedStatus: 'completed',
  dialing: exotelDialing,
  accountRead: exotelAccountRead,
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
