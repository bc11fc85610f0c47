/**
 * Test peers for Agent Stream tests: a fake Cloudonix REST API and a fake Cloudonix media client,
 * both real network peers on 127.0.0.1, plus the recorded provider frames of the conformance suite.
 */
export {
  startFakeCloudonixApi,
  type FakeCloudonixApi,
  type FakeCloudonixApiOptions,
  type FakeCloudonixMethod,
  type RecordedRequest,
} from './fake-cloudonix-api.ts';
export {
  CloudonixMediaClient,
  MediaClientConnectError,
  type CloudonixMediaClientOptions,
  type CloudonixStartOptions,
  type CloudonixStartInfo,
  type CloseInfo,
} from './cloudonix-media-client.ts';
export { cloudonixFixtures } from '../cloudonix/fixtures.ts';
export type { InboundFixture, OutboundFixture, ProviderFixtures } from '../fixture-types.ts';
