import { decodeSegment, startFakeHttpServer } from './fake-http.ts';
import type { FakeAnswer, FakeHttpServer, RecordedRequest } from './fake-http.ts';

/** Providers served by {@link startFakeProviderApi}. */
export type FakeApiProvider = 'exotel' | 'twilio' | 'vobiz' | 'plivo';

/** A running fake of one provider's call REST API, for one account. */
export interface FakeProviderApi extends FakeHttpServer {
  readonly provider: FakeApiProvider;
  /** The account in the URL paths (Exotel/Twilio account SID, Vobiz/Plivo auth id). */
  readonly accountId: string;
  /** The secrets it accepts: Exotel `{api_key, api_token}`, others `{auth_token}`. */
  readonly credentials: Readonly<Record<string, string>>;
  /** Transfers received, in order (`target` = Twilio `Twiml`/`Url`, Plivo/Vobiz `aleg_url`). */
  readonly transfers: Array<{ callId: string; target: string }>;
  /** Makes a call known with `status` (default `in-progress`; `completed`, `ringing`… are not live). */
  addCall(callId: string, status?: string): void;
  /** Ends a call (as if the caller hung up): Twilio/Exotel keep it as `completed`, Vobiz/Plivo forget it. */
  endCall(callId: string): void;
  /** The call's status, `undefined` when unknown. */
  callStatus(callId: string): string | undefined;
}

/** Options of {@link startFakeProviderApi}: the account and its secrets (generated defaults). */
export interface FakeProviderApiOptions {
  accountId?: string;
  credentials?: Record<string, string>;
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Spec {
  account: string;
  secrets: Record<string, string>;
  path: RegExp;
  authorized(req: RecordedRequest): boolean;
}

function specOf(provider: FakeApiProvider, o: FakeProviderApiOptions): Spec {
  switch (provider) {
    case 'exotel': {
      const secrets = { api_key: 'exotel-test-key', api_token: 'exotel-test-token', ...o.credentials };
      const auth = basic(secrets.api_key, secrets.api_token);
      return { account: o.accountId ?? 'exotel-test-account', secrets, path: /^\/v1\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/, authorized: (r) => r.headers.authorization === auth };
    }
    case 'twilio': {
      const account = o.accountId ?? `AC${'0123456789abcdef'.repeat(2)}`;
      const secrets = { auth_token: 'twilio-test-token', ...o.credentials };
      const auth = basic(account, secrets.auth_token);
      return { account, secrets, path: /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/, authorized: (r) => r.headers.authorization === auth };
    }
    case 'vobiz': {
      const account = o.accountId ?? 'MA_VOBIZTEST';
      const secrets = { auth_token: 'vobiz-test-token', ...o.credentials };
      return {
        account,
        secrets,
        path: /^\/api\/v1\/Account\/([^/]+)\/Call\/([^/]+)\/$/,
        authorized: (r) => r.headers['x-auth-id'] === account && r.headers['x-auth-token'] === secrets.auth_token,
      };
    }
    case 'plivo': {
      const account = o.accountId ?? 'MAPLIVOTEST000000000';
      const secrets = { auth_token: 'plivo-test-token', ...o.credentials };
      const auth = basic(account, secrets.auth_token);
      return { account, secrets, path: /^\/v1\/Account\/([^/]+)\/Call\/([^/]+)\/$/, authorized: (r) => r.headers.authorization === auth };
    }
  }
}

/**
 * Starts a fake of `provider`'s call API on `127.0.0.1:0`, serving the routes the REST clients use:
 * - exotel `GET /v1/Accounts/{sid}/Calls/{call}.json` → `{"Call":{"Sid","Status"}}`;
 * - twilio `GET`/`POST /2010-04-01/Accounts/{sid}/Calls/{call}.json` (`Status=completed` ends the
 *   call; `Twiml`/`Url` is a transfer) → `{"sid","status"}`, 404 `{"code":20404}` when unknown;
 * - vobiz `/api/v1/Account/{id}/Call/{call}/`, plivo `/v1/Account/{id}/Call/{call}/`: `GET ?status=live`
 *   → 200 while live, `DELETE` → 204 and the call ends, `POST {legs, aleg_url}` → 202.
 * Wrong credentials or another account answer 401; unknown calls 404; other methods 405.
 */
export async function startFakeProviderApi(provider: FakeApiProvider, options: FakeProviderApiOptions = {}): Promise<FakeProviderApi> {
  const spec = specOf(provider, options);
  const calls = new Map<string, string>();
  const transfers: Array<{ callId: string; target: string }> = [];
  const plivoStyle = provider === 'vobiz' || provider === 'plivo';

  const route = (req: RecordedRequest): FakeAnswer => {
    const [path = '', query = ''] = req.path.split('?');
    const match = spec.path.exec(path);
    if (match === null) return { status: 404, body: { error: 'not found' } };
    const allowed = provider === 'exotel' ? ['GET'] : provider === 'twilio' ? ['GET', 'POST'] : ['GET', 'DELETE', 'POST'];
    if (!allowed.includes(req.method)) return { status: 405, body: { error: 'method not allowed' } };
    const account = decodeSegment(match[1]);
    const callId = decodeSegment(match[2]);
    if (!spec.authorized(req) || account !== spec.account || callId === undefined) return { status: 401, body: { error: 'unauthorized' } };
    const status = calls.get(callId);
    const notFound: FakeAnswer = { status: 404, body: provider === 'twilio' ? { code: 20404, message: 'not found' } : { error: 'not found' } };
    if (status === undefined) return notFound;

    if (req.method === 'GET') {
      if (provider === 'exotel') return { status: 200, body: { Call: { Sid: callId, AccountSid: account, Status: status } } };
      if (provider === 'twilio') return { status: 200, body: { sid: callId, account_sid: account, status } };
      const live = new URLSearchParams(query).get('status') === 'live';
      return live && status === 'in-progress' ? { status: 200, body: { call_uuid: callId, call_status: status } } : notFound;
    }
    if (req.method === 'DELETE') {
      calls.delete(callId);
      return { status: 204 };
    }
    // POST
    if (plivoStyle) {
      let target: unknown;
      try {
        target = (JSON.parse(req.body) as { aleg_url?: unknown }).aleg_url;
      } catch {
        target = undefined;
      }
      if (typeof target !== 'string' || target === '') return { status: 400, body: { error: 'aleg_url required' } };
      transfers.push({ callId, target });
      return { status: 202, body: { message: 'call transferred' } };
    }
    const form = new URLSearchParams(req.body);
    if (form.get('Status') === 'completed') {
      calls.set(callId, 'completed');
      return { status: 200, body: { sid: callId, status: 'completed' } };
    }
    const target = form.get('Twiml') ?? form.get('Url');
    if (!target) return { status: 400, body: { code: 21218, message: 'missing Twiml or Url' } };
    transfers.push({ callId, target });
    return { status: 200, body: { sid: callId, status } };
  };

  const server = await startFakeHttpServer(route);
  return Object.assign(server, {
    provider,
    accountId: spec.account,
    credentials: Object.freeze({ ...spec.secrets }),
    transfers,
    addCall: (callId: string, status = 'in-progress') => void calls.set(callId, status),
    endCall: (callId: string) => void (plivoStyle ? calls.delete(callId) : calls.set(callId, 'completed')),
    callStatus: (callId: string) => calls.get(callId),
  });
}
