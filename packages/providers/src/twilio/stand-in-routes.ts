import { randomBytes } from 'node:crypto';
import { twilioSignature } from './signature.ts';
import type { StandInAccountRead, StandInDialing, StandInRoutes } from '../testing/stand-in-routes.ts';
import { accountPathMatch, decodeSegments, formField, unescapeXml } from '../testing/stand-in-routes.ts';

const CALL_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/;
const ACCOUNT_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/;
const CALLS_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/;
const STREAM_URL = /<Stream\s[^>]*url="([^"]*)"/;

/**
 * Twilio placing calls: `POST …/Calls.json` (form `To`, `From`, `Twiml` or `Url`, `StatusCallback`)
 * → 201 `{sid, status:"queued"}` (400 `21201`/`21213` without `To`/`From`, `21205` without
 * `Twiml`/`Url`); the answered call streams to the TwiML's `<Stream url>`; status callbacks are
 * forms with `CallSid`, `CallStatus`, `CallDuration`.
 */
const twilioDialing: StandInDialing = Object.freeze<StandInDialing>({
  match: accountPathMatch(CALLS_PATH, 'POST'),
  read(req) {
    const to = formField(req.body, 'To');
    const from = formField(req.body, 'From');
    if (to === null) return { refusal: { status: 400, body: { code: 21201, message: 'No \'To\' number is specified', status: 400 } } };
    if (from === null) return { refusal: { status: 400, body: { code: 21213, message: 'No \'From\' number is specified', status: 400 } } };
    const twiml = formField(req.body, 'Twiml');
    const url = twiml === null ? undefined : STREAM_URL.exec(twiml)?.[1];
    if (twiml === null && formField(req.body, 'Url') === null) return { refusal: { status: 400, body: { code: 21205, message: 'Url or Twiml is required', status: 400 } } };
    return {
      to,
      from,
      streamUrl: url === undefined ? undefined : unescapeXml(url),
      statusCallbackUrl: formField(req.body, 'StatusCallback') ?? undefined,
    };
  },
  newCallId: () => `CA${randomBytes(16).toString('hex')}`,
  accepted: (account, callId, p) => ({ status: 201, body: { sid: callId, account_sid: account, to: p.to, from: p.from, status: 'queued', direction: 'outbound-api' } }),
  statusForm({ account, callId, placement, status, durationS }) {
    const form: Record<string, string> = { CallSid: callId, AccountSid: account, From: placement.from, To: placement.to, Direction: 'outbound-api', CallStatus: status };
    if (durationS !== undefined) form['CallDuration'] = String(durationS);
    return form;
  },
  // Twilio signs the WebSocket upgrade of a `<Stream>` like its webhooks: the URL it opens, no parameters.
  upgradeHeaders(streamUrl, credentials): Record<string, string> {
    const authToken = credentials['auth_token'];
    return authToken ? { 'X-Twilio-Signature': twilioSignature(authToken, streamUrl) } : {};
  },
});

/** Twilio's account resource: `GET /2010-04-01/Accounts/{sid}.json` → `{sid, friendly_name, status:"active", type}`. */
const twilioAccountRead: StandInAccountRead = Object.freeze<StandInAccountRead>({
  match: accountPathMatch(ACCOUNT_PATH, 'GET'),
  answer: (account) => ({ status: 200, body: { sid: account, owner_account_sid: account, friendly_name: 'Stand-in account', status: 'active', type: 'Full' } }),
});

/**
 * Twilio in the stand-in (Basic `AccountSid:AuthToken`): `GET …/Calls/{sid}.json` → `{sid,
 * account_sid, status}`; `POST` with `Status=completed` hangs up (the call stays, `completed`),
 * with `Twiml` or `Url` redirects (400 `21218` without either). Unknown calls 404 `20404`.
 */
export const twilioStandInRoutes: StandInRoutes = Object.freeze<StandInRoutes>({
  provider: 'twilio',
  auth: Object.freeze({ scheme: 'basic', user: 'account', secret: 'auth_token' }),
  testAccount: `AC${'0123456789abcdef'.repeat(2)}`,
  testCredentials: Object.freeze({ auth_token: 'twilio-test-token' }),
  endedStatus: 'completed',
  dialing: twilioDialing,
  accountRead: twilioAccountRead,
  match(req) {
    const m = CALL_PATH.exec(req.path);
    if (m === null) return null;
    if (req.method !== 'GET' && req.method !== 'POST') return 'method';
    const ids = decodeSegments(m[1], m[2]);
    if (ids === 'bad-path') return ids;
    if (req.method === 'GET') return { operation: 'validate', ...ids };
    return { operation: formField(req.body, 'Status') === 'completed' ? 'hangup' : 'transfer', ...ids };
  },
  canonicalAccount: (account) => account,
  operate(m, status, req) {
    if (status === undefined) return { answer: { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } } };
    const call = { sid: m.call, account_sid: m.account };
    if (m.operation === 'validate') return { answer: { status: 200, body: { ...call, status } } };
    if (m.operation === 'hangup') return { answer: { status: 200, body: { ...call, status: 'completed' } }, next: 'completed' };
    const target = formField(req.body, 'Twiml') ?? formField(req.body, 'Url');
    if (target === null) return { answer: { status: 400, body: { code: 21218, message: 'missing Twiml or Url' } } };
    return { answer: { status: 200, body: { ...call, status } }, transferredTo: target };
  },
});
