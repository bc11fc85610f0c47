import type { ProviderName } from '../provider-name.ts';
import type { DialBackOptions, StandInDial } from './dial-back.ts';
import type { StandInStream, StreamBackOptions } from './stream-back.ts';
import type { FakeHttpServer } from './fake-http.ts';
import { startProviderStandIn } from './provider-stand-in.ts';
import { STAND_IN_ROUTES } from './stand-in-registry.ts';

/** Providers served by {@link startFakeProviderApi}: every registered one. */
export type FakeApiProvider = ProviderName;

/** A running fake of one provider's call REST API, for one account. */
export interface FakeProviderApi extends FakeHttpServer {
  readonly provider: FakeApiProvider;
  /** The account in the URL paths (Exotel/Twilio account SID, Vobiz/Plivo auth id, Cloudonix domain). */
  readonly accountId: string;
  /** The secrets it accepts, keyed by the provider's credential fields (Exotel `{api_key, api_token}`, …). */
  readonly credentials: Readonly<Record<string, string>>;
  /** Transfers received, in order (`target` = Twilio `Twiml`/`Url`, Plivo/Vobiz `aleg_url`, Cloudonix `cxml`). */
  readonly transfers: ReadonlyArray<{ callId: string; target: string }>;
  /** Calls placed through it (create-call requests accepted), with their dial-back. */
  readonly dials: readonly StandInDial[];
  /** Streams opened on live calls through it (Vobiz/Plivo `…/Stream/`), with their stream-back. */
  readonly streams: readonly StandInStream[];
  /** Makes a call known with `status` (default `in-progress`; `completed`, `ringing`… are not live). */
  addCall(callId: string, status?: string): void;
  /** Ends a call (as if the caller hung up): Twilio/Exotel keep it as `completed`, the others forget it. */
  endCall(callId: string): void;
  /** The call's status, `undefined` when unknown. */
  callStatus(callId: string): string | undefined;
}

/** Options of {@link startFakeProviderApi}: the account and its secrets (the provider's test defaults). */
export interface FakeProviderApiOptions {
  accountId?: string;
  credentials?: Record<string, string>;
  /** How placed calls are answered (outcome per number, ring and hold times). */
  dialBack?: DialBackOptions;
  /** How streams opened on live calls play (longest stream, tone). */
  streamBack?: StreamBackOptions;
}

/**
 * Starts the provider REST stand-in on `127.0.0.1:0` serving only `provider`'s routes (see each
 * provider folder's `stand-in-routes.ts`) for one account: wrong credentials or another account
 * answer 401, unknown calls 404, other methods 405. Only calls added with `addCall` are known.
 */
export async function startFakeProviderApi(provider: FakeApiProvider, options: FakeProviderApiOptions = {}): Promise<FakeProviderApi> {
  const routes = STAND_IN_ROUTES[provider];
  const accountId = options.accountId ?? routes.testAccount;
  const credentials = Object.freeze({ ...routes.testCredentials, ...options.credentials });
  const standIn = await startProviderStandIn({ providers: [provider], auth: { accounts: { [provider]: { accountId, credentials } } }, dialBack: options.dialBack, streamBack: options.streamBack });
  return Object.create(standIn, Object.getOwnPropertyDescriptors({
    provider,
    accountId,
    credentials,
    get transfers() {
      return standIn.transfers.map(({ callId, target }) => ({ callId, target }));
    },
    addCall: (callId: string, status?: string): void => standIn.addCall(provider, accountId, callId, status),
    endCall: (callId: string): void => standIn.endCall(provider, accountId, callId),
    callStatus: (callId: string): string | undefined => standIn.callStatus(provider, accountId, callId),
  })) as FakeProviderApi;
}
