/**
 * The provider REST routes the stand-in serves, one table per provider: which request is a call
 * validation, a hangup or a transfer, how it is authenticated, and what a live call answers.
 *
 * Cloudonix matches the product's client (`createCloudonixApiClient` in `@vr3/providers`) and its
 * fake API. The other providers follow the documented provider APIs (shared reference, §0 and the
 * per-provider sections); check them against each REST client as it lands.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { normalizeCloudonixDomain } from '@vr3/providers';

/** What a provider REST request asks for. */
export type ApiOperation = 'validate' | 'hangup' | 'transfer';

/** How a provider authenticates REST calls. */
export type AuthScheme = 'bearer' | 'basic' | 'x-auth-headers';

/** A matched request. */
export interface RouteMatch {
  operation: ApiOperation;
  account: string;
  call: string;
}

/** One provider's REST surface. */
export interface ProviderRoutes {
  readonly provider: string;
  readonly auth: AuthScheme;
  /** The operation of a request, `'method'` when the path is known but the method is not, or null. */
  match(method: string, path: string, body: string): RouteMatch | 'method' | null;
  /** Canonical account id (Cloudonix: normalized domain). */
  canonicalAccount(account: string): string;
  /** The success answer to an operation on a live call. */
  success(op: ApiOperation, m: RouteMatch): { status: number; body?: unknown };
  /** The answer for a call that is not live. */
  notFound(): { status: number; body?: unknown };
  /** A transfer request without a usable target: 400. */
  transferTarget(body: string): string | null;
}

const seg = '([^/]+)';

function decode(value: string | undefined): string | null {
  try {
    return decodeURIComponent(value ?? '');
  } catch {
    return null;
  }
}

function jsonField(body: string, key: string): string | null {
  try {
    const v = (JSON.parse(body) as Record<string, unknown> | null)?.[key];
    return typeof v === 'string' && v !== '' ? v : null;
  } catch {
    return null;
  }
}

function formField(body: string, key: string): string | null {
  const v = new URLSearchParams(body).get(key);
  return v === null || v === '' ? null : v;
}

const cloudonixSession = new RegExp(`^/customers/self/domains/${seg}/sessions/${seg}$`);
const cloudonixApplication = new RegExp(`^/calls/${seg}/sessions/${seg}/application$`);

/** Cloudonix: `Authorization: Bearer <domain API key>`; ids are domain + session token. */
export const cloudonixRoutes: ProviderRoutes = {
  provider: 'cloudonix',
  auth: 'bearer',
  match(method, path) {
    const s = cloudonixSession.exec(path);
    if (s) {
      const account = decode(s[1]);
      const call = decode(s[2]);
      if (account === null || call === null) return null;
      if (method === 'GET') return { operation: 'validate', account, call };
      if (method === 'DELETE') return { operation: 'hangup', account, call };
      return 'method';
    }
    const a = cloudonixApplication.exec(path);
    if (a) {
      const account = decode(a[1]);
      const call = decode(a[2]);
      if (account === null || call === null) return null;
      return method === 'POST' ? { operation: 'transfer', account, call } : 'method';
    }
    return null;
  },
  canonicalAccount(account) {
    try {
      return normalizeCloudonixDomain(account);
    } catch {
      return account.trim().toLowerCase();
    }
  },
  success(op, m) {
    if (op === 'validate') return { status: 200, body: { token: m.call, domain: this.canonicalAccount(m.account), status: 'connected', direction: 'inbound' } };
    if (op === 'hangup') return { status: 204 };
    return { status: 200, body: { token: m.call, domain: this.canonicalAccount(m.account), status: 'processing' } };
  },
  notFound: () => ({ status: 404, body: { error: 'session not found' } }),
  transferTarget: (body) => jsonField(body, 'cxml'),
};

const twilioCall = new RegExp(`^/2010-04-01/Accounts/${seg}/Calls/${seg}\\.json$`);

/** Twilio: Basic `AccountSid:AuthToken`; hangup and redirect are both `POST …/Calls/{sid}.json`. */
export const twilioRoutes: ProviderRoutes = {
  provider: 'twilio',
  auth: 'basic',
  match(method, path, body) {
    const m = twilioCall.exec(path);
    if (!m) return null;
    const account = decode(m[1]);
    const call = decode(m[2]);
    if (account === null || call === null) return null;
    if (method === 'GET') return { operation: 'validate', account, call };
    if (method === 'POST') return { operation: formField(body, 'Status') === 'completed' ? 'hangup' : 'transfer', account, call };
    return 'method';
  },
  canonicalAccount: (a) => a,
  success: (op, m) => ({ status: 200, body: { sid: m.call, account_sid: m.account, status: op === 'hangup' ? 'completed' : 'in-progress' } }),
  notFound: () => ({ status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } }),
  transferTarget: (body) => formField(body, 'Twiml') ?? formField(body, 'Url'),
};

function plivoLike(provider: string, prefix: string, auth: AuthScheme): ProviderRoutes {
  const re = new RegExp(`^${prefix}/Account/${seg}/Call/${seg}/?$`);
  return {
    provider,
    auth,
    match(method, path) {
      const m = re.exec(path);
      if (!m) return null;
      const account = decode(m[1]);
      const call = decode(m[2]);
      if (account === null || call === null) return null;
      if (method === 'GET') return { operation: 'validate', account, call };
      if (method === 'DELETE') return { operation: 'hangup', account, call };
      if (method === 'POST') return { operation: 'transfer', account, call };
      return 'method';
    },
    canonicalAccount: (a) => a,
    success(op, m) {
      if (op === 'validate') return { status: 200, body: { call_uuid: m.call, call_status: 'in-progress' } };
      if (op === 'hangup') return { status: 204 };
      return { status: 202, body: { message: 'call transferred', api_id: `sim-${m.call}` } };
    },
    notFound: () => ({ status: 404, body: { error: 'call not found' } }),
    transferTarget: (body) => jsonField(body, 'aleg_url') ?? formField(body, 'aleg_url'),
  };
}

/** Vobiz: `X-Auth-ID`/`X-Auth-Token` headers on `/api/v1/Account/{id}/Call/{uuid}/`. */
export const vobizRoutes = plivoLike('vobiz', '/api/v1', 'x-auth-headers');
/** Plivo: Basic `auth_id:auth_token` on `/v1/Account/{id}/Call/{uuid}/`. */
export const plivoRoutes = plivoLike('plivo', '/v1', 'basic');

const exotelCall = new RegExp(`^/v1/Accounts/${seg}/Calls/${seg}(?:\\.json)?$`);

/** Exotel: Basic `api_key:api_token`; call details `GET …/Calls/{sid}` (hangup and transfer happen by closing the stream). */
export const exotelRoutes: ProviderRoutes = {
  provider: 'exotel',
  auth: 'basic',
  match(method, path) {
    const m = exotelCall.exec(path);
    if (!m) return null;
    const account = decode(m[1]);
    const call = decode(m[2]);
    if (account === null || call === null) return null;
    return method === 'GET' ? { operation: 'validate', account, call } : 'method';
  },
  canonicalAccount: (a) => a,
  success: (_op, m) => ({ status: 200, body: { Call: { Sid: m.call, AccountSid: m.account, Status: 'in-progress' } } }),
  notFound: () => ({ status: 404, body: { RestException: { Status: 404, Message: 'Call not found' } } }),
  transferTarget: () => null,
};

/** Every provider the stand-in serves; requests are matched in this order. */
export const PROVIDER_ROUTES: readonly ProviderRoutes[] = [cloudonixRoutes, twilioRoutes, vobizRoutes, plivoRoutes, exotelRoutes];

/** True when the request carries `token` the way `scheme` sends it (any user name for Basic). */
export function authorized(scheme: AuthScheme, headers: IncomingHttpHeaders, token: string): boolean {
  if (scheme === 'bearer') return headers.authorization === `Bearer ${token}`;
  if (scheme === 'x-auth-headers') return headers['x-auth-token'] === token && typeof headers['x-auth-id'] === 'string';
  const auth = headers.authorization ?? '';
  if (!auth.startsWith('Basic ')) return false;
  const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && decoded.slice(colon + 1) === token;
}
