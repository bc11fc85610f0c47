/**
 * End-to-end helpers for the `bridge` engine through the embedded product: one product with a
 * telephony configuration for every provider (each pointing at its fake REST API), bridge agents
 * pointing at test bots on 127.0.0.1, calls from any provider's fake media client, and the
 * observations the bridge suites make (when the provider acknowledged a marker, run events,
 * `/metrics` samples).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { MediaFormat } from '@vr3/protocol';
import { sine } from '@vr3/codec/testing';
import { getProvider, PROVIDER_NAMES, type ProviderName } from '@vr3/providers';
import type { BridgeProtocol } from '@vr3/engine-bridge';
import { startTestBot, type TestBot, type TestBotMode } from '@vr3/engine-bridge/testing';
import {
  connectMediaClient,
  encodeWire,
  startFakeCloudonixApi,
  startFakeProviderApi,
  type FakeApiProvider,
  type FakeCloudonixApi,
  type FakeProviderApi,
  type MediaCallInfo,
  type MediaCallOptions,
  type PlivoStyleClientOptions,
  type ProviderMediaClient,
  type RecordedRequest,
} from '@vr3/providers/testing';
import { DOMAIN } from './cloudonix.ts';
import { eventually, METRICS_AUTH, ProductProcess, type ProductOptions } from './product.ts';

export { finalRun } from './cloudonix.ts';

/** Every provider a call can come from: every registered one. */
export const CALLER_PROVIDERS: readonly ProviderName[] = PROVIDER_NAMES;
export type CallerProvider = ProviderName;

const FAKE_API_PROVIDERS: readonly FakeApiProvider[] = ['twilio', 'exotel', 'vobiz', 'plivo'];

/** The embedded product with one telephony configuration per provider, each on its own fake API. */
export interface BridgeRig {
  product: ProductProcess;
  apis: Record<FakeApiProvider, FakeProviderApi>;
  cloudonix: FakeCloudonixApi;
  /** Stops the product and every fake API. Idempotent. */
  close(): Promise<void>;
}

/** Starts the fake provider APIs and the product, and configures every provider. */
export async function startBridgeRig(options: ProductOptions = {}): Promise<BridgeRig> {
  const apis = {} as Record<FakeApiProvider, FakeProviderApi>;
  for (const provider of FAKE_API_PROVIDERS) apis[provider] = await startFakeProviderApi(provider);
  const cloudonixToken = `cx-token-${randomUUID()}`;
  const cloudonix = await startFakeCloudonixApi({ bearerToken: cloudonixToken });
  for (const requests of [...Object.values(apis).map((a) => a.requests), cloudonix.requests]) stampArrivals(requests);
  const product = await ProductProcess.start({ ...options, env: { VR3_PROVIDER_TIMEOUT_MS: '1000', ...options.env } });
  let closing: Promise<void> | null = null;
  const rig: BridgeRig = {
    product,
    apis,
    cloudonix,
    close: () =>
      (closing ??= (async () => {
        await product.stop();
        await Promise.all([...Object.values(apis).map((a) => a.close()), cloudonix.close()]);
      })()),
  };
  try {
    for (const provider of FAKE_API_PROVIDERS) {
      const api = apis[provider];
      const res = await product.api('POST', '/telephony-configurations', {
        provider,
        name: provider,
        [getProvider(provider).telephony.accountField]: api.accountId,
        ...api.credentials,
        api_base_url: api.url,
      });
      if (res.status !== 201) throw new Error(`${provider} configuration failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const res = await product.api('POST', '/telephony-configurations', { provider: 'cloudonix', name: 'cloudonix', domain_id: 'acme', bearer_token: cloudonixToken, api_base_url: cloudonix.url });
    if (res.status !== 201) throw new Error(`cloudonix configuration failed: ${res.status} ${JSON.stringify(res.body)}`);
  } catch (err) {
    await rig.close();
    throw err;
  }
  return rig;
}

/** What a bridge test file shares: one rig, and bots and calls that are cleaned up after each test. */
export interface BridgeSuite {
  /** Set in `beforeAll`. */
  readonly rig: BridgeRig;
  /** A test bot of `protocol` (closed after the test) and a bridge agent pointing at it. */
  botAgent(protocol: BridgeProtocol, mode: TestBotMode, engine?: Record<string, unknown>): Promise<{ bot: TestBot; agentUuid: string }>;
  /** {@link startBridgeCall}; the client is closed after the test. */
  call(provider: CallerProvider, agentUuid: string, options?: BridgeCallOptions): Promise<BridgeCall>;
}

/** Registers the file's hooks: the rig in `beforeAll`, cleanup after each test and at the end. */
export function bridgeSuite(options: ProductOptions = {}): BridgeSuite {
  let rig: BridgeRig | undefined;
  const bots: TestBot[] = [];
  const calls: BridgeCall[] = [];
  beforeAll(async () => {
    rig = await startBridgeRig(options);
  });
  afterEach(async () => {
    await Promise.all(calls.splice(0).map((c) => c.client.close(1000, '', 500).catch(() => undefined)));
    await Promise.all(bots.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await rig?.close();
  });
  const suite: BridgeSuite = {
    get rig() {
      if (rig === undefined) throw new Error('the bridge rig is not started (used outside a test?)');
      return rig;
    },
    async botAgent(protocol, mode, engine = {}) {
      const bot = await startTestBot({ protocol, mode });
      bots.push(bot);
      const agent = await createAgent(suite.rig.product, { type: 'bridge', url: bot.url, protocol, ...engine });
      return { bot, agentUuid: agent.uuid };
    },
    async call(provider, agentUuid, callOptions = {}) {
      const c = await startBridgeCall(suite.rig, provider, agentUuid, callOptions);
      calls.push(c);
      return c;
    },
  };
  return suite;
}

/** Creates an agent with `engine`; returns its UUID and the API response. */
export async function createAgent(product: ProductProcess, engine: Record<string, unknown>, name = 'bridge agent'): Promise<{ uuid: string; status: number; body: any }> {
  const res = await product.api('POST', '/agents', { name, engine });
  if (res.status !== 201) throw new Error(`agent create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { uuid: res.body.uuid, status: res.status, body: res.body };
}

/** A provider's acknowledgement of a playback marker, as the fake provider client sent it. */
export interface MarkAck {
  name: string;
  /** `performance.now()` when the client sent it. */
  at: number;
}

/** A call from a fake provider media client to an agent, past `start`. */
export interface BridgeCall {
  provider: CallerProvider;
  client: ProviderMediaClient;
  info: MediaCallInfo;
  runId: string;
  /** The call id in the provider's REST paths (Cloudonix: the session token). */
  restCallId: string;
  /** Marker acknowledgements the client sent (`mark` echoes, `playedStream`), in order. */
  acks: MarkAck[];
}

/** Options of {@link startBridgeCall}. */
export interface BridgeCallOptions {
  call?: MediaCallOptions;
  /** Client options (`ackMode`, L16 byte orders…). */
  client?: PlivoStyleClientOptions;
  /** Make the call live at the fake API first (default true). */
  live?: boolean;
}

/** The Agent Stream URL a provider would be given: Twilio's path form, `?provider=` for the others. */
export function bridgeStreamUrl(product: ProductProcess, provider: CallerProvider, agentUuid: string, callId: string, call: MediaCallOptions = {}): string {
  if (provider === 'twilio') return product.streamUrl(agentUuid, {}).replace(`/agent-stream/${agentUuid}`, `/agent-stream/twilio/${agentUuid}`);
  if (provider === 'cloudonix') {
    return product.streamUrl(agentUuid, { provider, Domain: 'acme', callId, ...(call.from ? { from: call.from } : {}), ...(call.to ? { to: call.to } : {}) });
  }
  return product.streamUrl(agentUuid, { provider });
}

/**
 * Opens a stream from `provider`'s fake media client to `agentUuid`, sends its opening frames for
 * a fresh call (live at the fake API) and resolves once the run has recorded the call's `start`
 * (whatever its state by then: a bot that cannot be reached may have failed it already).
 */
export async function startBridgeCall(rig: BridgeRig, provider: CallerProvider, agentUuid: string, options: BridgeCallOptions = {}): Promise<BridgeCall> {
  const callId = options.call?.callId ?? `call-${randomUUID()}`;
  const session = provider === 'cloudonix' ? (options.call?.session ?? `sess-${randomUUID()}`) : undefined;
  if (options.live !== false) {
    if (provider === 'cloudonix') rig.cloudonix.addSession(DOMAIN, session!);
    else rig.apis[provider].addCall(callId);
  }
  const url = bridgeStreamUrl(rig.product, provider, agentUuid, callId, options.call);
  const client = await connectMediaClient(provider, url, options.client);
  const acks = recordAcks(client);
  const accountId = provider === 'cloudonix' ? DOMAIN : rig.apis[provider].accountId;
  const info = client.begin({ accountId, ...options.call, callId, ...(session === undefined ? {} : { session }) });
  const run = await eventually(async () => {
    const list = await rig.product.api('GET', `/runs?agent_uuid=${agentUuid}&limit=100`);
    return (list.body.data as any[]).find((r) => r.gathered_context?.call_sid === callId || r.gathered_context?.call_id === callId);
  }, 8000);
  return { provider, client, info, runId: run.id, restCallId: session ?? callId, acks };
}

/**
 * Records the playback-marker acknowledgements `client` sends (it sends every frame through its
 * public `sendRaw`), with the time each left.
 */
function recordAcks(client: ProviderMediaClient): MarkAck[] {
  const acks: MarkAck[] = [];
  const send = client.sendRaw.bind(client);
  (client as { sendRaw: (data: string | Uint8Array) => void }).sendRaw = (data) => {
    if (typeof data === 'string' && (data.includes('"mark"') || data.includes('"playedStream"'))) {
      const frame = JSON.parse(data) as { event?: string; name?: string; mark?: { name?: string } };
      const name = frame.event === 'mark' ? frame.mark?.name : frame.event === 'playedStream' ? frame.name : undefined;
      if (typeof name === 'string') acks.push({ name, at: performance.now() });
    }
    send(data);
  };
  return acks;
}

/** The provider REST request that hangs `call` up (null for Exotel, where closing the stream is the hangup). */
export function hangupRequestOf(rig: BridgeRig, call: BridgeCall): { method: string; path: string } | null {
  switch (call.provider) {
    case 'twilio':
      return { method: 'POST', path: `/2010-04-01/Accounts/${rig.apis.twilio.accountId}/Calls/${call.restCallId}.json` };
    case 'vobiz':
      return { method: 'DELETE', path: `/api/v1/Account/${rig.apis.vobiz.accountId}/Call/${call.restCallId}/` };
    case 'plivo':
      return { method: 'DELETE', path: `/v1/Account/${rig.apis.plivo.accountId}/Call/${call.restCallId}/` };
    case 'cloudonix':
      return { method: 'DELETE', path: `/customers/self/domains/${DOMAIN}/sessions/${call.restCallId}` };
    case 'exotel':
      return null;
  }
}

/** Requests the fake API of `call`'s provider received for that call that change it (not the validation GET). */
export function providerActions(rig: BridgeRig, call: BridgeCall): RecordedRequest[] {
  const requests = call.provider === 'cloudonix' ? rig.cloudonix.requests : rig.apis[call.provider].requests;
  return requests.filter((r) => r.method !== 'GET' && r.path.includes(call.restCallId));
}

/** Waits for the provider's hangup request of `call`; returns it and when it arrived (`performance.now()`). */
export async function waitForHangupRequest(rig: BridgeRig, call: BridgeCall, timeoutMs = 5000): Promise<{ request: RecordedRequest; at: number }> {
  const want = hangupRequestOf(rig, call);
  if (want === null) throw new Error(`${call.provider} has no hangup request`);
  const request = await eventually(async () => providerActions(rig, call).find((r) => r.method === want.method && r.path.split('?')[0] === want.path), timeoutMs, 10);
  return { request, at: arrivals.get(request)! };
}

/** When each fake API request arrived (`performance.now()`). */
const arrivals = new WeakMap<RecordedRequest, number>();

/** When a request of a rig's fake API arrived (`performance.now()`). */
export function arrivalOf(request: RecordedRequest): number {
  const at = arrivals.get(request);
  if (at === undefined) throw new Error('not a request of a rig fake API');
  return at;
}

/** Stamps every request a fake API records with its arrival time (the fake records through `push`). */
function stampArrivals(requests: RecordedRequest[]): void {
  const push = requests.push.bind(requests);
  requests.push = (...items: RecordedRequest[]): number => {
    const now = performance.now();
    for (const item of items) arrivals.set(item, now);
    return push(...items);
  };
}

/** `ms` of a 440 Hz tone in `format` (the bot's side). */
export function toneIn(format: MediaFormat, ms: number): Uint8Array {
  return encodeWire(format, sine(440, format.sampleRate, ms, 8000));
}

/** Milliseconds of audio in `bytes` of `format`. */
export function audioMs(format: MediaFormat, bytes: number): number {
  const width = format.encoding === 'pcm16le' || format.encoding === 'pcm16be' ? 2 : 1;
  return (bytes / width / format.sampleRate) * 1000;
}

/** Milliseconds of audio the caller's client has received so far. */
export function receivedMs(client: ProviderMediaClient): number {
  return (client.receivedPcm().length / client.format.sampleRate) * 1000;
}

/** A run event as `GET /runs/{id}/events` lists it. */
export interface RunEventView {
  seq: number;
  type: string;
  at: string;
  data: any;
}

/** Every event of a run, following the cursor. */
export async function runEvents(product: ProductProcess, runId: string): Promise<RunEventView[]> {
  const events: RunEventView[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res: { status: number; body: { data: RunEventView[]; next_cursor: string | null } } = await product.api('GET', `/runs/${runId}/events${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`GET /runs/${runId}/events: ${res.status}`);
    events.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (cursor === null) break;
  }
  return events;
}

/** The text of the product's `/metrics`. */
export async function metricsText(product: ProductProcess): Promise<string> {
  const res = await fetch(`${product.baseUrl}/metrics`, METRICS_AUTH);
  if (res.status !== 200) throw new Error(`/metrics: ${res.status}`);
  return res.text();
}

/** The value of one sample of `/metrics` text (`name{labels}` as printed), 0 when absent. */
export function metricValue(text: string, sample: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  }
  return 0;
}

/** A TCP port on 127.0.0.1 nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
