import type { StandInRoutes } from '../testing/stand-in-routes.ts';
import { decodeSegments, jsonField, methodOperation } from '../testing/stand-in-routes.ts';
import { normalizeCloudonixDomain } from './domain.ts';

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
