import type { ProviderName } from '../provider-name.ts';
import { randomUUID } from 'node:crypto';
import type { StandInAccountRead, StandInAuth, StandInDialing, StandInRoutes, StandInStreaming } from '../testing/stand-in-routes.ts';
import { accountPathMatch, decodeSegments, formField, jsonField, methodOperation, unescapeXml } from '../testing/stand-in-routes.ts';

/** What differs between the Plivo-style REST APIs in the stand-in. */
export interface PlivoStyleStandIn {
  readonly provider: ProviderName;
  /** Path prefix before `/Account/{id}/Call/{uuid}/` (`/api/v1`, `/v1`). */
  readonly prefix: string;
  readonly auth: StandInAuth;
  readonly testAccount: string;
  readonly testToken: string;
  /** The account read of a credentials check (Plivo `GET /v1/Account/{id}/`, Vobiz `GET /api/v1/auth/me`). */
  readonly accountRead: StandInAccountRead;
}

const OPERATIONS = { GET: 'validate', DELETE: 'hangup', POST: 'transfer' } as const;

const STREAM_ELEMENT = /<Stream(?:\s[^>]*)?>([^<]*)<\/Stream>/;
/** Plivo-style `CallStatus` of the hangup callback for Twilio's status words. */
const HANGUP_STATUS: Readonly<Record<string, string>> = Object.freeze({ completed: 'completed', busy: 'busy', 'no-answer': 'no-answer', failed: 'failed', canceled: 'cancel' });
const HANGUP_CAUSE: Readonly<Record<string, string>> = Object.freeze({ completed: 'NORMAL_CLEARING', busy: 'USER_BUSY', 'no-answer': 'NO_ANSWER', failed: 'CALL_REJECTED', canceled: 'ORIGINATOR_CANCEL' });

/**
 * Plivo-style call placement: `POST {prefix}/Account/{id}/Call/` JSON (or form) `{from, to,
 * answer_url, hangup_url}` → 201 `{request_uuid, message:"call fired"}` (400 without `from`, `to`
 * or `answer_url`). The answered call fetches `answer_url` (form `CallUUID`, `From`, `To`,
 * `Direction=outbound`) and streams to its `<Stream>`; the hangup callback is a form with
 * `CallUUID`, `CallStatus`, `HangupCause`, `Duration`.
 */
function plivoStyleDialing(prefix: string): StandInDialing {
  const callsPath = new RegExp(`^${prefix}/Account/([^/]+)/Call/?$`);
  const field = (body: string, key: string): string | null => jsonField(body, key) ?? formField(body, key);
  return Object.freeze<StandInDialing>({
    match: accountPathMatch(callsPath, 'POST'),
    read(req) {
      const from = field(req.body, 'from');
      const to = field(req.body, 'to');
      const answerUrl = field(req.body, 'answer_url');
      if (from === null || to === null || answerUrl === null) return { refusal: { status: 400, body: { error: 'from, to and answer_url are required' } } };
      return { from, to, answerUrl, statusCallbackUrl: field(req.body, 'hangup_url') ?? undefined };
    },
    newCallId: () => randomUUID(),
    accepted: (_account, callId) => ({ status: 201, body: { api_id: randomUUID(), message: 'call fired', request_uuid: callId } }),
    answerForm: (_account, callId, p) => ({ CallUUID: callId, From: p.from, To: p.to, Direction: 'outbound', CallStatus: 'in-progress' }),
    streamUrlOf(document) {
      const url = STREAM_ELEMENT.exec(document)?.[1];
      return url === undefined ? undefined : unescapeXml(url).trim();
    },
    statusForm({ callId, placement, status, durationS }) {
      const callStatus = HANGUP_STATUS[status];
      if (callStatus === undefined) return undefined;
      const form: Record<string, string> = { CallUUID: callId, From: placement.from, To: placement.to, Direction: 'outbound', CallStatus: callStatus, HangupCause: HANGUP_CAUSE[status] ?? 'NORMAL_CLEARING' };
      form['Duration'] = String(durationS ?? 0);
      return form;
    },
  });
}

/**
 * Plivo-style streams on live calls: `POST {prefix}/Account/{id}/Call/{uuid}/Stream/` JSON (or form)
 * `{service_url, bidirectional, audio_track, content_type, status_callback_url}` → 202 `{message:
 * "audio streaming started", stream_id}` (400 without `service_url`; 404 unless the call is live);
 * `DELETE …/Stream/{stream_id}/` → 204 (404 for an unknown or stopped stream). Status callbacks are
 * forms with `Event` (`StartStream`, `StopStream`), `CallUUID`, `StreamID`, `ServiceURL`.
 */
function plivoStyleStreaming(prefix: string): StandInStreaming {
  const streamsPath = new RegExp(`^${prefix}/Account/([^/]+)/Call/([^/]+)/Stream(?:/([^/]+))?/?$`);
  const field = (body: string, key: string): string | null => jsonField(body, key) ?? formField(body, key);
  const flag = (body: string, key: string): boolean => {
    try {
      const v = (JSON.parse(body) as Record<string, unknown> | null)?.[key];
      if (typeof v === 'boolean') return v;
    } catch {
      // a form body
    }
    return formField(body, key) === 'true';
  };
  return Object.freeze<StandInStreaming>({
    match(req) {
      const m = streamsPath.exec(req.path);
      if (m === null) return null;
      const operation = m[3] === undefined ? (req.method === 'POST' ? 'attach' : undefined) : req.method === 'DELETE' ? 'detach' : undefined;
      if (operation === undefined) return 'method';
      const ids = decodeSegments(m[1], m[2]);
      const stream = decodeSegments(m[3], '');
      if (ids === 'bad-path' || stream === 'bad-path') return 'bad-path';
      return { operation, account: ids.account, call: ids.call, streamId: stream.account };
    },
    read(req) {
      const serviceUrl = field(req.body, 'service_url');
      if (serviceUrl === null) return { refusal: { status: 400, body: { error: 'service_url is required' } } };
      return {
        serviceUrl,
        bidirectional: flag(req.body, 'bidirectional'),
        audioTrack: field(req.body, 'audio_track') ?? 'both',
        contentType: field(req.body, 'content_type') ?? 'audio/x-l16;rate=8000',
        statusCallbackUrl: field(req.body, 'status_callback_url') ?? undefined,
      };
    },
    newStreamId: () => randomUUID(),
    accepted: (streamId) => ({ status: 202, body: { message: 'audio streaming started', stream_id: streamId, api_id: randomUUID() } }),
    statusForm: ({ callId, streamId, request, event }) => ({ Event: event, CallUUID: callId, StreamID: streamId, ServiceURL: request.serviceUrl }),
  });
}

/**
 * A Plivo-style call API in the stand-in: `GET {prefix}/Account/{id}/Call/{uuid}/?status=live`
 * → 200 while the call is `in-progress` (404 otherwise), `DELETE` → 204 and the call is forgotten,
 * `POST {legs, aleg_url}` (JSON or form) → 202 (400 without `aleg_url`). Unknown calls 404.
 */
export function plivoStyleStandInRoutes(api: PlivoStyleStandIn): StandInRoutes {
  const callPath = new RegExp(`^${api.prefix}/Account/([^/]+)/Call/([^/]+)/?$`);
  return Object.freeze<StandInRoutes>({
    provider: api.provider,
    auth: api.auth,
    testAccount: api.testAccount,
    testCredentials: Object.freeze({ auth_token: api.testToken }),
    endedStatus: null,
    dialing: plivoStyleDialing(api.prefix),
    streaming: plivoStyleStreaming(api.prefix),
    accountRead: api.accountRead,
    match(req) {
      const m = callPath.exec(req.path);
      if (m === null) return null;
      const operation = methodOperation(req.method, OPERATIONS);
      if (operation === undefined) return 'method';
      const ids = decodeSegments(m[1], m[2]);
      return ids === 'bad-path' ? ids : { operation, ...ids };
    },
    canonicalAccount: (account) => account,
    operate(m, status, req) {
      const notFound = { answer: { status: 404, body: { error: 'call not found' } } };
      if (status === undefined) return notFound;
      if (m.operation === 'validate') {
        const live = req.query.get('status') === 'live' && status === 'in-progress';
        return live ? { answer: { status: 200, body: { call_uuid: m.call, call_status: status } } } : notFound;
      }
      if (m.operation === 'hangup') return { answer: { status: 204 }, next: null };
      const target = jsonField(req.body, 'aleg_url') ?? formField(req.body, 'aleg_url');
      if (target === null) return { answer: { status: 400, body: { error: 'aleg_url required' } } };
      return { answer: { status: 202, body: { message: 'call transferred', api_id: `sim-${m.call}` } }, transferredTo: target };
    },
  });
}
