import { randomBytes } from 'node:crypto';
import type { StandInAccountRead, StandInDialing, StandInRoutes } from '../testing/stand-in-routes.ts';
import { accountPathMatch, decodeSegments, jsonField, methodOperation, unescapeXml } from '../testing/stand-in-routes.ts';
import { normalizeCloudonixDomain } from './domain.ts';

const CALLS_PATH = /^\/calls\/([^/]+)\/application$/;
const STREAM_URL = /<Stream\s[^>]*url="([^"]*)"/;
/** The session status Cloudonix reports for each status the dial-back reports. */
const SESSION_STATUS: Readonly<Record<string, string>> = Object.freeze({ 'in-progress': 'connected', 'no-answer': 'noanswer' });

const DOMAIN_PATH = /^\/customers\/self\/domains\/([^/]+)$/;
const SESSION_PATH = /^\/customers\/self\/domains\/([^/]+)\/sessions\/([^/]+)$/;
const APPLICATION_PATH = /^\/calls\/([^/]+)\/sessions\/([^/]+)\/application$/;

const SESSION_METHODS = { GET: 'validate', DELETE: 'hangup' } as const;
const APPLICATION_METHODS = { POST: 'transfer' } as const;

const canonicalDomain = (domain: string): string => {
  try {
    return normalizeCloudonixDomain(domain);
  } catch {
    return domain.trim().toLowerCase();
  }
};

/**
 * Cloudonix placing calls: `POST /calls/{domain}/application` JSON `{destination, "caller-id", cxml
 * (or url/application), callback}` → 200 `{domainId, subscriberId, destination, direction:
 * "outbound-api", token}` (400 without `destination`, `caller-id` or an application); the answered
 * call streams to the CXML's `<Stream url>`. Session updates are JSON `{token, domain, status,
 * callerId, destination, direction, duration}`.
 */
const cloudonixDialing: StandInDialing = Object.freeze<StandInDialing>({
  match: accountPathMatch(CALLS_PATH, 'POST'),
  read(req) {
    const to = jsonField(req.body, 'destination');
    const from = jsonField(req.body, 'caller-id');
    const cxml = jsonField(req.body, 'cxml');
    if (to === null || from === null) return { refusal: { status: 400, body: { error: 'destination and caller-id are required' } } };
    if (cxml === null && jsonField(req.body, 'url') === null && jsonField(req.body, 'application') === null) return { refusal: { status: 400, body: { error: 'cxml, url or application is required' } } };
    const url = cxml === null ? undefined : STREAM_URL.exec(cxml)?.[1];
    return { to, from, streamUrl: url === undefined ? undefined : unescapeXml(url), statusCallbackUrl: jsonField(req.body, 'callback') ?? undefined };
  },
  newCallId: () => randomBytes(16).toString('hex'),
  accepted: (_account, callId, p) => ({ status: 200, body: { domainId: 1, subscriberId: 0, destination: p.to, direction: 'outbound-api', token: callId } }),
  statusForm({ account, callId, placement, status, durationS }) {
    const fields: Record<string, string> = { token: callId, domain: canonicalDomain(account), status: SESSION_STATUS[status] ?? status, callerId: placement.from, destination: placement.to, direction: 'outbound-api' };
    if (durationS !== undefined) fields['duration'] = String(durationS);
    return fields;
  },
  statusEncoding: 'json',
});

/** Cloudonix's domain details: `GET /customers/self/domains/{domain}` → `{domain, uuid, active}`. */
const cloudonixAccountRead: StandInAccountRead = Object.freeze<StandInAccountRead>({
  match: accountPathMatch(DOMAIN_PATH, 'GET'),
  answer: (account) => ({ status: 200, body: { domain: canonicalDomain(account), uuid: '00000000-0000-4000-8000-000000000000', active: true } }),
});

/**
 * Cloudonix in the stand-in (`Authorization: Bearer <domain API key>`; ids are domain + session):
 * `GET`/`DELETE /customers/self/domains/{domain}/sessions/{session}` (200 with the session / 204,
 * then forgotten), `POST /calls/{domain}/sessions/{session}/application` with `{"cxml"}` (200; 400
 * without it). Unknown sessions 404.
 */
export const cloudonixStandInRoutes: StandInRoutes = Object.freeze<StandInRoutes>({
  provider: 'cloudonix',
  auth: Object.freeze({ scheme: 'bearer', secret: 'bearer_token' }),
  testAccount: 'acme',
  testCredentials: Object.freeze({ bearer_token: 'test-cloudonix-token' }),
  endedStatus: null,
  dialing: cloudonixDialing,
  accountRead: cloudonixAccountRead,
  match(req) {
    const session = SESSION_PATH.exec(req.path);
    const application = session === null ? APPLICATION_PATH.exec(req.path) : null;
    const m = session ?? application;
    if (m === null) return null;
    const operation = session === null ? methodOperation(req.method, APPLICATION_METHODS) : methodOperation(req.method, SESSION_METHODS);
    if (operation === undefined) return 'method';
    const ids = decodeSegments(m[1], m[2]);
    return ids === 'bad-path' ? ids : { operation, ...ids };
  },
  canonicalAccount: canonicalDomain,
  operate(m, status, req) {
    if (status === undefined) return { answer: { status: 404, body: { error: 'session not found' } } };
    const domain = canonicalDomain(m.account);
    if (m.operation === 'validate') return { answer: { status: 200, body: { token: m.call, domain, status: 'connected', direction: 'inbound' } } };
    if (m.operation === 'hangup') return { answer: { status: 204 }, next: null };
    const cxml = jsonField(req.body, 'cxml');
    if (cxml === null) return { answer: { status: 400, body: { error: 'cxml required' } } };
    return { answer: { status: 200, body: { token: m.call, domain, status: 'processing' } }, transferredTo: cxml };
  },
});
