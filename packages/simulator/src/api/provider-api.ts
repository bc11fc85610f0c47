/**
 * `vr3-sim provider-api`: the telephony providers' REST APIs (call validation, hangup, transfer, and
 * the account reads of a credentials test) on one machine, so the whole product runs without a provider account. The server is the provider
 * REST stand-in of `@vr3/providers/testing` (each provider's routes live in its folder there) with
 * one credential for every provider, plus the simulator's control routes.
 *
 * Calls placed through it (Twilio `Calls.json`, Vobiz/Plivo make-call, Exotel `calls/connect`,
 * Cloudonix `/calls/{domain}/application`) are dialled back: the stand-in answers them on the
 * stream URL it was given (or fetched from the answer URL), plays a tone, hangs up after a while
 * and posts the provider's status callbacks (see `dialBack`). Streams attached to a live call
 * (Vobiz/Plivo `POST …/Call/{uuid}/Stream/`) are opened to their `service_url`, play a tone until
 * stopped (`DELETE …/Stream/{id}/`) and post `StartStream`/`StopStream` (see `streamBack`).
 *
 * Calls are live unless ended (by a hangup, a transfer, or `DELETE /_sim/calls/…`); with
 * `strict`, only calls registered through `POST /_sim/calls` are live, as on a real provider where
 * the call exists before its stream does. Control routes (`/_sim/…`) need no credentials.
 */
import { isProviderName } from '@vr3/providers';
import {
  startProviderStandIn,
  type DialBackOptions,
  type FakeAnswer,
  type ProviderStandIn,
  type RecordedRequest,
  type StandInDial,
  type StandInOperation,
  type StandInRecord,
  type StandInStream,
  type StreamBackOptions,
} from '@vr3/providers/testing';

/** One provider REST request as the stand-in saw it (credentials are never kept). */
export type ApiRequestRecord = StandInRecord;

/** What a provider REST request asks for. */
export type ApiOperation = StandInOperation;

/** Options of {@link startProviderApi}. */
export interface ProviderApiOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /**
   * The credential every provider's requests must carry: the Bearer token (Cloudonix), the Basic
   * password (Twilio, Plivo, Exotel; any user name) or `X-Auth-Token` (Vobiz). Default `vr3-sim-token`.
   */
  token?: string;
  /** Only registered calls are live. Default false. */
  strict?: boolean;
  /** Delay before every provider answer, ms (a slow provider). Default 0. */
  delayMs?: number;
  /** Requests kept in {@link ProviderApi.requests}; older ones are dropped. Default 10 000. */
  maxRecords?: number;
  /** Called after every provider request is answered. */
  onRequest?: (record: ApiRequestRecord) => void;
  /** How placed calls are answered: outcome per number (default: answered), ring and hold times. */
  dialBack?: DialBackOptions;
  /** How streams attached to live calls play: longest stream (default 60 s), tone. */
  streamBack?: StreamBackOptions;
}

/** A running stand-in. */
export interface ProviderApi {
  /** Base URL, e.g. `http://127.0.0.1:41234`: the telephony configuration's `api_base_url`. */
  readonly url: string;
  readonly token: string;
  /** The most recent provider requests, oldest first. */
  readonly requests: readonly ApiRequestRecord[];
  /** Calls placed through it, with their dial-back, oldest first. */
  readonly dials: readonly StandInDial[];
  /** Streams attached to live calls through it, with their stream-back, oldest first. */
  readonly streams: readonly StandInStream[];
  /** Makes a call live. */
  addCall(provider: string, account: string, call: string): void;
  /** Ends a call as if the caller hung up (Twilio and Exotel report it `completed`, the others 404). */
  endCall(provider: string, account: string, call: string): void;
  /** Stops the server and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** Defaults of {@link ProviderApiOptions}. */
export const PROVIDER_API_DEFAULTS = { host: '127.0.0.1', port: 0, token: 'vr3-sim-token', strict: false, delayMs: 0, maxRecords: 10_000 } as const;

const MAX_BODY_BYTES = 64 * 1024;
const CALLS_PATH = /^\/_sim\/calls(?:\/([^/]+)\/([^/]+)\/([^/]+))?$/;

/** The simulator's control routes (`/_sim/…`); `undefined` for a provider request. */
function controlRoute(standIn: ProviderStandIn, req: RecordedRequest): FakeAnswer | undefined {
  const path = req.path.split('?', 1)[0] ?? '/';
  if (!path.startsWith('/_sim/')) return undefined;
  if (path === '/_sim/health') return { status: 200, body: { status: 'ok' } };
  if (path === '/_sim/requests') {
    if (req.method === 'GET') return { status: 200, body: { requests: standIn.records } };
    if (req.method === 'DELETE') {
      standIn.records.length = 0;
      return { status: 204 };
    }
    return { status: 405, body: { error: 'method not allowed' } };
  }
  const m = CALLS_PATH.exec(path);
  if (!m) return { status: 404, body: { error: 'not found' } };
  if (req.method === 'POST' && m[1] === undefined) {
    let parsed: { provider?: unknown; account?: unknown; call?: unknown };
    try {
      parsed = JSON.parse(req.body) as typeof parsed;
    } catch {
      return { status: 400, body: { error: 'body must be JSON {provider, account, call}' } };
    }
    if (typeof parsed.provider !== 'string' || !isProviderName(parsed.provider) || typeof parsed.account !== 'string' || typeof parsed.call !== 'string') {
      return { status: 400, body: { error: 'body must be JSON {provider, account, call} with a known provider' } };
    }
    standIn.addCall(parsed.provider, parsed.account, parsed.call);
    return { status: 201, body: { live: true } };
  }
  if (req.method === 'DELETE' && m[1] !== undefined) {
    const segments = decodeAll(m[1], m[2], m[3]);
    if (segments === undefined) return { status: 400, body: { error: 'bad path' } };
    const [provider, account, call] = segments;
    if (!isProviderName(provider)) return { status: 404, body: { error: 'unknown provider' } };
    standIn.endCall(provider, account, call);
    return { status: 204 };
  }
  return { status: 405, body: { error: 'method not allowed' } };
}

function decodeAll(...segments: Array<string | undefined>): [string, string, string] | undefined {
  try {
    const [a = '', b = '', c = ''] = segments.map((s) => decodeURIComponent(s ?? ''));
    return [a, b, c];
  } catch {
    return undefined;
  }
}

/** Starts the stand-in. */
export async function startProviderApi(options: ProviderApiOptions = {}): Promise<ProviderApi> {
  const token = options.token ?? PROVIDER_API_DEFAULTS.token;
  // The control routes run only once the server answers requests, when `server` is set.
  const server: ProviderStandIn = await startProviderStandIn({
    host: options.host ?? PROVIDER_API_DEFAULTS.host,
    port: options.port ?? PROVIDER_API_DEFAULTS.port,
    auth: { token },
    unknownCallsLive: !(options.strict ?? PROVIDER_API_DEFAULTS.strict),
    transferEndsCall: true,
    recordRequests: false,
    maxRecords: options.maxRecords ?? PROVIDER_API_DEFAULTS.maxRecords,
    maxBodyBytes: MAX_BODY_BYTES,
    intercept: (req) => controlRoute(server, req),
    onRequest: options.onRequest,
    // A long-running simulator keeps no audio of the calls it answered.
    dialBack: { keepAudio: false, ...options.dialBack },
    streamBack: { keepAudio: false, ...options.streamBack },
  });
  server.setDelay(options.delayMs ?? PROVIDER_API_DEFAULTS.delayMs);
  return {
    url: server.url,
    token,
    requests: server.records,
    dials: server.dials,
    streams: server.streams,
    addCall(provider, account, call) {
      if (isProviderName(provider)) server.addCall(provider, account, call);
    },
    endCall(provider, account, call) {
      if (isProviderName(provider)) server.endCall(provider, account, call);
    },
    close: () => server.close(),
  };
}
