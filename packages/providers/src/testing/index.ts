/**
 * Test peers for Agent Stream tests and simulators: the provider REST stand-in (and the
 * single-provider fakes built on it) and fake provider media clients (real network peers on 127.0.0.1) behind one {@link ProviderMediaClient}
 * interface, plus the recorded provider frames of the conformance suite.
 */
export {
  startFakeCloudonixApi,
  type FakeCloudonixApi,
  type FakeCloudonixApiOptions,
  type FakeCloudonixMethod,
} from './fake-cloudonix-api.ts';
export { type RecordedRequest, type FakeHttpServer, type FakeAnswer } from './fake-http.ts';
export { startFakeProviderApi, type FakeProviderApi, type FakeProviderApiOptions, type FakeApiProvider } from './fake-provider-api.ts';
export {
  startProviderStandIn,
  PROVIDER_STAND_IN_DEFAULTS,
  type ProviderStandIn,
  type ProviderStandInOptions,
  type StandInAccount,
  type StandInRecord,
  type StandInTransfer,
} from './provider-stand-in.ts';
export { STAND_IN_ROUTES } from './stand-in-registry.ts';
export { DIAL_BACK_DEFAULTS, type DialBackCallback, type DialBackOptions, type DialOutcome, type StandInDial } from './dial-back.ts';
export { STREAM_BACK_DEFAULTS, type StandInStream, type StreamBackOptions } from './stream-back.ts';
export type {
  StandInAccountRead,
  StandInAuth,
  StandInCallStatus,
  StandInDialing,
  StandInMatch,
  StandInOperation,
  StandInOutcome,
  StandInPlacement,
  StandInRequest,
  StandInRoutes,
  StandInStreaming,
  StandInStreamRequest,
  StandInStreamStatus,
} from './stand-in-routes.ts';
export {
  MediaClientConnectError,
  type ProviderMediaClient,
  type MediaClientOptions,
  type MediaCallOptions,
  type MediaCallInfo,
  type AckMode,
  type CloseInfo,
} from './media-client.ts';
export { connectMediaClient, MEDIA_CLIENT_PROVIDERS, type MediaClientProvider } from './connect-media-client.ts';
export {
  CloudonixMediaClient,
  type CloudonixMediaClientOptions,
  type CloudonixStartOptions,
  type CloudonixStartInfo,
} from './cloudonix-media-client.ts';
export { TwilioMediaClient, TEST_TWILIO_ACCOUNT_SID } from './twilio-media-client.ts';
export { ExotelMediaClient } from './exotel-media-client.ts';
export { VobizMediaClient } from './vobiz-media-client.ts';
export { PlivoMediaClient } from './plivo-media-client.ts';
export { PlivoStyleMediaClient, type PlivoStyleClientOptions } from './plivo-style-media-client.ts';
export { TwilioStyleMediaClient } from './twilio-style-media-client.ts';
export { encodeWire, decodeWire } from './wire-audio.ts';
export { cloudonixFixtures } from '../cloudonix/fixtures.ts';
export { exotelFixtures } from '../exotel/fixtures.ts';
export { twilioFixtures } from '../twilio/fixtures.ts';
export { vobizFixtures } from '../vobiz/fixtures.ts';
export { plivoFixtures } from '../plivo/fixtures.ts';
export { PROVIDER_FIXTURES } from './provider-fixtures.ts';
export type { InboundFixture, OutboundFixture, BindingFixture, ProviderFixtures } from '../fixture-types.ts';
