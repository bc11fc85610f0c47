import type { FakeHttpServer } from './fake-http.ts';
import { startProviderStandIn } from './provider-stand-in.ts';
import { STAND_IN_ROUTES } from './stand-in-registry.ts';

export type { RecordedRequest } from './fake-http.ts';

/** HTTP methods of the Cloudonix routes the fake serves. */
export type FakeCloudonixMethod = 'GET' | 'DELETE' | 'POST';

/** A running fake of the Cloudonix REST API. */
export interface FakeCloudonixApi extends FakeHttpServer {
  /** The token the fake accepts (`Authorization: Bearer <token>`). */
  readonly bearerToken: string;
  /** Makes a session live. `domain` is normalized like the client does (`acme` = `acme.cloudonix.net`). */
  addSession(domain: string, session: string): void;
  /** Ends a session (as if the caller hung up). */
  endSession(domain: string, session: string): void;
  /** True while the session is live. */
  hasSession(domain: string, session: string): boolean;
}

/** Options of {@link startFakeCloudonixApi}. */
export interface FakeCloudonixApiOptions {
  /** Token the fake accepts. Default `'test-cloudonix-token'`. */
  bearerToken?: string;
}

/**
 * Starts the provider REST stand-in on `127.0.0.1:0` serving the Cloudonix session routes (see
 * `src/cloudonix/stand-in-routes.ts`) for any domain under one token:
 * - `GET /customers/self/domains/{domain}/sessions/{session}` → 200 + session JSON when live,
 *   401 with a wrong/missing token, 404 otherwise;
 * - `DELETE` on the same path → 204 and the session ends, 404 when unknown;
 * - `POST /calls/{domain}/sessions/{session}/application` with `{"cxml"}` → 200 when live,
 *   400 without a `cxml` string, 404 when unknown.
 * Other paths answer 404, other methods 405. Every request is recorded.
 */
export async function startFakeCloudonixApi(opts: FakeCloudonixApiOptions = {}): Promise<FakeCloudonixApi> {
  const bearerToken = opts.bearerToken ?? STAND_IN_ROUTES.cloudonix.testCredentials['bearer_token'] ?? '';
  const standIn = await startProviderStandIn({ providers: ['cloudonix'], auth: { accounts: { cloudonix: { credentials: { bearer_token: bearerToken } } } } });
  return Object.create(standIn, Object.getOwnPropertyDescriptors({
    bearerToken,
    addSession: (domain: string, session: string): void => standIn.addCall('cloudonix', domain, session),
    endSession: (domain: string, session: string): void => standIn.endCall('cloudonix', domain, session),
    hasSession: (domain: string, session: string): boolean => standIn.callStatus('cloudonix', domain, session) !== undefined,
  })) as FakeCloudonixApi;
}
