/**
 * The deployments the burst scenario measures, behind one interface: the embedded product (one
 * process, as `npm start`) and the distributed product (NATS, Redis, PostgreSQL, two control-plane
 * replicas and media-edges, as the distributed tests start it). Each gets an echo agent at 8 kHz,
 * a Cloudonix configuration pointing at the provider REST stand-in, and a quota large enough for
 * any burst on the agent's owner.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setupProduct, streamUrl } from '@vr3/simulator';
import { DistributedStack } from '../../tests/harness/distributed.ts';
import { BENCH_METRICS_ENV, fetchMetrics, metricValue } from './metrics.ts';
import { descendantPids, pinPids } from './processes.ts';
import { BENCH_CONNECTION_RATE_ENV, startProduct } from './product.ts';

/** Which deployment. */
export type BurstMode = 'embedded' | 'distributed';

/** A running deployment, set up for bursts. */
export interface BurstSubject {
  mode: BurstMode;
  /** What runs, in a few words. */
  topology: string;
  /** Agent Stream URL of the agent on each media-edge; calls take them in turn. */
  streamUrls: string[];
  /** Base URLs serving the media-edges' /metrics. */
  edgeUrls: string[];
  /** Base URL of the REST API and its key. */
  apiUrl: string;
  apiKey: string;
  /** The agent owner's id (whose quota admissions are charged to). */
  userId: string;
  /** Boot until ready for calls, ms. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Options of {@link startSubject}. */
export interface SubjectOptions {
  providerApiUrl: string;
  providerToken: string;
  /** Core of every server process (the load generator keeps the other), or null: not pinned. */
  serverCore: number | null;
  /** Media-edges of the distributed deployment. */
  edges: number;
  /** Folder for the servers' logs. */
  logDir: string;
}

/**
 * The quota of the agent's owner: one customer whose limits no burst reaches (a real customer has
 * both, so both are checked on every admission).
 */
export const BURST_QUOTA = { max_concurrent_calls: 1_000_000, monthly_call_seconds: 2_000_000_000 } as const;

/**
 * Product defaults for the distributed apps, over the test harness's short liveness timings; the
 * pool at 10 connections a replica (the default is 20): with every process on two cores, 20 a
 * replica measured slower (client open → first echo p99 at 200/s 973 and 1830 ms, against 555 and
 * 750 ms with 10, back to back on 2026-12-06).
 */
const CONTROL_PLANE_ENV = {
  VR3_EDGE_LOST_AFTER_MS: '30000',
  VR3_REAPER_INTERVAL_MS: '5000',
  VR3_PROVIDER_TIMEOUT_MS: '5000',
  VR3_DB_POOL_SIZE: '10',
  ...BENCH_METRICS_ENV,
} as const;
const EDGE_ENV = {
  VR3_HEARTBEAT_INTERVAL_MS: '5000',
  VR3_HANDSHAKE_TIMEOUT_MS: '10000',
  VR3_DRAIN_TIMEOUT_MS: '2000',
  ...BENCH_METRICS_ENV,
  ...BENCH_CONNECTION_RATE_ENV,
} as const;

/** Starts and sets up one deployment. */
export async function startSubject(mode: BurstMode, o: SubjectOptions): Promise<BurstSubject> {
  return mode === 'embedded' ? startEmbedded(o) : startDistributed(o);
}

async function startEmbedded(o: SubjectOptions): Promise<BurstSubject> {
  const t0 = performance.now();
  const product = await startProduct({
    core: o.serverCore,
    providerApiUrl: o.providerApiUrl,
    providerToken: o.providerToken,
    logFile: path.join(o.logDir, 'burst-embedded.log'),
    echoRate: 8000,
  });
  try {
    const userId = await setQuota(product.baseUrl, product.apiKey);
    return {
      mode: 'embedded',
      topology: 'embedded product (control-plane, media-edge and PostgreSQL in one process tree)',
      streamUrls: [product.streamUrl],
      edgeUrls: [product.baseUrl],
      apiUrl: product.baseUrl,
      apiKey: product.apiKey,
      userId,
      startupMs: Math.round(performance.now() - t0),
      stop: () => product.stop(),
    };
  } catch (err) {
    await product.stop();
    throw err;
  }
}

async function startDistributed(o: SubjectOptions): Promise<BurstSubject> {
  const t0 = performance.now();
  const stack = await DistributedStack.start({ controlPlanes: 2, edges: o.edges, controlPlaneEnv: { ...CONTROL_PLANE_ENV }, edgeEnv: { ...EDGE_ENV } });
  const stop = async (): Promise<void> => {
    for (const p of [...stack.controlPlanes, ...stack.edges]) writeFileSync(path.join(o.logDir, `burst-distributed-${p.name}.log`), `${p.log()}\n`);
    await stack.stop();
  };
  try {
    // Every server this process started (NATS, Redis, PostgreSQL and its backends, the apps).
    if (o.serverCore !== null) pinPids(descendantPids(), o.serverCore);
    const cp = stack.controlPlane(0);
    const setup = await setupProduct({ productUrl: cp.baseUrl, apiKey: stack.apiKey, providerApiUrl: o.providerApiUrl, token: o.providerToken, echoSampleRate: 8000 });
    const userId = await setQuota(cp.baseUrl, stack.apiKey);
    return {
      mode: 'distributed',
      topology: `distributed product: ${stack.controlPlanes.length} control-planes, ${stack.edges.length} media-edge${stack.edges.length === 1 ? '' : 's'}, nats-server, redis-server, PostgreSQL`,
      streamUrls: stack.edges.map((edge) => streamUrl(edge.baseUrl, setup.agentUuid, 'cloudonix', { Domain: 'acme' })),
      edgeUrls: stack.edges.map((edge) => edge.baseUrl),
      apiUrl: cp.baseUrl,
      apiKey: stack.apiKey,
      userId,
      startupMs: Math.round(performance.now() - t0),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function api<T>(baseUrl: string, apiKey: string, method: string, urlPath: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}/api/v1${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${method} ${urlPath}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Gives the API key's user (the agent's owner) {@link BURST_QUOTA}; returns the user id. */
async function setQuota(baseUrl: string, apiKey: string): Promise<string> {
  const me = await api<{ user_id: string }>(baseUrl, apiKey, 'GET', '/me');
  await api(baseUrl, apiKey, 'PUT', `/users/${me.user_id}/quota`, BURST_QUOTA);
  return me.user_id;
}

/** Calls the media-edges hold, summed. */
export async function activeCalls(s: BurstSubject): Promise<number> {
  const all = await Promise.all(s.edgeUrls.map(async (url) => metricValue(await fetchMetrics(url), 'vr3_media_edge_active_calls') ?? 0));
  return all.reduce((a, b) => a + b, 0);
}

/** The owner's live runs (`initialized` or `running`) as the control-plane counts them for the quota. */
export async function liveRuns(s: BurstSubject): Promise<number> {
  const q = await api<{ usage: { active_calls: number } }>(s.apiUrl, s.apiKey, 'GET', `/users/${s.userId}/quota`);
  return q.usage.active_calls;
}
