/**
 * The contract of one provider's routes in the provider REST stand-in (`provider-stand-in.ts`):
 * which request is a call validation, a hangup or a transfer, how it is authenticated, and what the
 * provider answers. Each provider folder has its `stand-in-routes.ts`; the server is generic.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderName } from '../provider-name.ts';
import type { FakeAnswer } from './fake-http.ts';

/** What a provider REST request asks for. */
export type StandInOperation = 'validate' | 'hangup' | 'transfer' | 'place' | 'attach' | 'detach' | 'account';

/** A request as the routes see it. */
export interface StandInRequest {
  readonly method: string;
  /** Path without the query string, still URL-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  /** Request headers (lower-case names), for routes whose account is a header (Vobiz `auth/me`). */
  readonly headers: IncomingHttpHeaders;
}

/** A request matched to an operation on one call (path segments decoded). */
export interface StandInMatch {
  readonly operation: StandInOperation;
  readonly account: string;
  readonly call: string;
}

/** What an operation did. */
export interface StandInOutcome {
  readonly answer: FakeAnswer;
  /** The call's status afterwards: unchanged when absent; `null` when the provider forgets the call. */
  readonly next?: string | null | undefined;
  /** The target the call was moved to, for a transfer that succeeded. */
  readonly transferredTo?: string | undefined;
}

/** How a provider authenticates REST requests. */
export interface StandInAuth {
  /** `bearer`: `Authorization: Bearer <secret>`; `basic`: user:secret; `x-auth-headers`: `X-Auth-ID`/`X-Auth-Token`. */
  readonly scheme: 'bearer' | 'basic' | 'x-auth-headers';
  /** What the user name is: the account id (`account`) or a credential field; none for `bearer`. */
  readonly user?: 'account' | (string & {}) | undefined;
  /** The credential field holding the secret. */
  readonly secret: string;
}

/** A create-call request as the provider read it. */
export interface StandInPlacement {
  readonly to: string;
  readonly from: string;
  /** The stream the answered call connects to, when the request carries it (Twilio `Twiml`). */
  readonly streamUrl?: string | undefined;
  /** Where the provider fetches the document of the answered call (Vobiz/Plivo `answer_url`). */
  readonly answerUrl?: string | undefined;
  /** Where the provider posts the call's status (Twilio `StatusCallback`, Vobiz/Plivo `hangup_url`). */
  readonly statusCallbackUrl?: string | undefined;
}

/** A status callback the provider posts about a placed call. */
export interface StandInCallStatus {
  readonly account: string;
  readonly callId: string;
  readonly placement: StandInPlacement;
  /** Twilio's words: `ringing`, `in-progress`, `completed`, `busy`, `no-answer`. */
  readonly status: string;
  /** Seconds the answered call lasted (final statuses). */
  readonly durationS?: number | undefined;
}

/** How a provider places calls in the stand-in and "answers" them (the dial-back). */
export interface StandInDialing {
  /** The account of a create-call request; `'method'` for another method on the path; `null` for another path. */
  match(req: StandInRequest): { account: string } | 'method' | 'bad-path' | null;
  /** Reads a create-call request; the provider's refusal when it lacks what the provider needs. */
  read(req: StandInRequest): StandInPlacement | { refusal: FakeAnswer };
  /** A fresh call id in the provider's format. */
  newCallId(): string;
  /** The provider's answer to an accepted create-call request. */
  accepted(account: string, callId: string, placement: StandInPlacement): FakeAnswer;
  /** The form the provider posts to the answer URL when the call is answered. */
  answerForm?(account: string, callId: string, placement: StandInPlacement): Record<string, string>;
  /** The stream URL in an answer document (XML `<Stream>` element text). */
  streamUrlOf?(document: string): string | undefined;
  /** The fields posted to the status callback URL for `status`, `undefined` when the provider posts none for it. */
  statusForm(status: StandInCallStatus): Record<string, string> | undefined;
  /** How the status callbacks are posted: a form (default) or a JSON object (Cloudonix). */
  readonly statusEncoding?: 'form' | 'json' | undefined;
  /** Headers the provider sends on the stream's WebSocket upgrade, made with the account's credentials (Twilio signs it). */
  upgradeHeaders?(streamUrl: string, credentials: Readonly<Record<string, string>>): Record<string, string>;
}

/** A request to open a stream on a live call, as the provider read it. */
export interface StandInStreamRequest {
  /** The WebSocket URL the provider opens. */
  readonly serviceUrl: string;
  readonly bidirectional: boolean;
  readonly audioTrack: string;
  readonly contentType: string;
  /** Where the provider posts the stream's status events. */
  readonly statusCallbackUrl?: string | undefined;
}

/** A stream status event the provider posts. */
export interface StandInStreamStatus {
  readonly account: string;
  readonly callId: string;
  readonly streamId: string;
  readonly request: StandInStreamRequest;
  /** `StartStream`, `StopStream`. */
  readonly event: string;
}

/** How a provider opens and stops streams on live calls in the stand-in (Vobiz, Plivo `…/Stream/`). */
export interface StandInStreaming {
  /** `attach` (open) or `detach` (stop `streamId`) on a call; `'method'` for another method; `null` for another path. */
  match(req: StandInRequest): { operation: 'attach' | 'detach'; account: string; call: string; streamId: string } | 'method' | 'bad-path' | null;
  /** Reads an open request; the provider's refusal when it lacks what the provider needs. */
  read(req: StandInRequest): StandInStreamRequest | { refusal: FakeAnswer };
  /** A fresh stream id in the provider's format. */
  newStreamId(): string;
  /** The provider's answer to an accepted open request. */
  accepted(streamId: string): FakeAnswer;
  /** The form posted to the stream's status callback URL for `status`. */
  statusForm(status: StandInStreamStatus): Record<string, string>;
}

/**
 * The account read a credentials check makes (Twilio's account, Plivo's account details, Vobiz's
 * `auth/me`, Exotel's balance, Cloudonix's domain): answered 200 with the credentials of the
 * account it names, 401 otherwise.
 */
export interface StandInAccountRead {
  /** The account a request reads; `'method'` for another method on the path; `null` for another path. */
  match(req: StandInRequest): { account: string } | 'method' | 'bad-path' | null;
  /** The provider's answer for `account` (authorized). */
  answer(account: string): FakeAnswer;
}

/** One provider's REST surface as the stand-in serves it. */
export interface StandInRoutes {
  readonly provider: ProviderName;
  readonly auth: StandInAuth;
  /** The account tests and the simulator use when none is given. */
  readonly testAccount: string;
  /** The secrets a test stand-in accepts by default, keyed by the provider's credential fields. */
  readonly testCredentials: Readonly<Record<string, string>>;
  /**
   * The operation a request asks for; `'method'` when the path is the provider's but the method is
   * not, `'bad-path'` for a path segment that cannot be decoded, `null` for another path.
   */
  match(req: StandInRequest): StandInMatch | 'method' | 'bad-path' | null;
  /** The account as the provider keys it (Cloudonix: the normalized domain). */
  canonicalAccount(account: string): string;
  /**
   * Performs `m` on a call whose status is `status` (`undefined`: the provider does not know the
   * call) and says what the provider answers.
   */
  operate(m: StandInMatch, status: string | undefined, req: StandInRequest): StandInOutcome;
  /** The status a call keeps once the caller hung up (`completed`), or `null` when it is forgotten. */
  readonly endedStatus: string | null;
  /** Call placement and dial-back, for providers the product places calls through. */
  readonly dialing?: StandInDialing | undefined;
  /** Streams opened on live calls (the stream-back), for providers that attach them. */
  readonly streaming?: StandInStreaming | undefined;
  /** The account read of a credentials check. */
  readonly accountRead: StandInAccountRead;
}

/** `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` decoded. */
export function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] ?? '');
}

/** The user name and secret a request presents under `scheme`, `undefined` when it presents none. */
export function presentedCredentials(scheme: StandInAuth['scheme'], headers: IncomingHttpHeaders): { user: string | undefined; secret: string } | undefined {
  if (scheme === 'x-auth-headers') {
    const user = headers['x-auth-id'];
    const secret = headers['x-auth-token'];
    return typeof user === 'string' && typeof secret === 'string' ? { user, secret } : undefined;
  }
  const authorization = headers.authorization ?? '';
  if (scheme === 'bearer') return authorization.startsWith('Bearer ') ? { user: undefined, secret: authorization.slice(7) } : undefined;
  if (!authorization.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) } : undefined;
}

/** `decodeURIComponent` of each segment; `'bad-path'` when one is malformed. */
export function decodeSegments(account: string | undefined, call: string | undefined): { account: string; call: string } | 'bad-path' {
  try {
    return { account: decodeURIComponent(account ?? ''), call: decodeURIComponent(call ?? '') };
  } catch {
    return 'bad-path';
  }
}

/**
 * The `match` of a route on an account path: `null` when `pattern` does not match the path,
 * `method` for another method, else the account of its first group, percent-decoded.
 */
export function accountPathMatch(pattern: RegExp, method: string): (req: StandInRequest) => { account: string } | 'method' | 'bad-path' | null {
  return (req) => {
    const m = pattern.exec(req.path);
    if (m === null) return null;
    if (req.method !== method) return 'method';
    const ids = decodeSegments(m[1], '');
    return ids === 'bad-path' ? ids : { account: ids.account };
  };
}

/** The operation `method` maps to in `table`, `undefined` for a method the path does not serve. */
export function methodOperation(method: string, table: Readonly<Partial<Record<string, StandInOperation>>>): StandInOperation | undefined {
  return Object.hasOwn(table, method) ? table[method] : undefined;
}

/** A non-empty string field of a JSON object body, else `null`. */
export function jsonField(body: string, key: string): string | null {
  try {
    const v = (JSON.parse(body) as Record<string, unknown> | null)?.[key];
    return typeof v === 'string' && v !== '' ? v : null;
  } catch {
    return null;
  }
}

/** A non-empty field of a form body, else `null`. */
export function formField(body: string, key: string): string | null {
  const v = new URLSearchParams(body).get(key);
  return v === null || v === '' ? null : v;
}
