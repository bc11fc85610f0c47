import type { EngineCatalog } from '@vr3/agent';
import type { Bus } from '@vr3/protocol';
import type { RecordingStore } from '@vr3/recordings';
import type { ResolveHost } from '@vr3/providers';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { AdmissionGate } from './bus/admission-gate.ts';
import type { AdmittedRuns } from './bus/admitted-runs.ts';
import type { ControlPlaneConfig } from './config.ts';
import type { Db } from './db/prisma.ts';
import type { SharedReads } from './db/shared-reads.ts';
import type { StreamAgent } from './db/stream-agent.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { LiveStreams } from './live/live-streams.ts';
import type { ProviderClientFactory } from './providers/registry.ts';

/** Everything the REST routes, bus responders and jobs share. Built once by `createControlPlane`. */
export interface ControlPlaneContext {
  prisma: Db;
  /** The pool under `prisma`, for the plain-SQL statements of the per-call paths (`db/sql.ts`). */
  pool: pg.Pool;
  bus: Bus;
  logger: Logger;
  /** AES-256-GCM key of stored credentials. */
  secretKey: Buffer;
  jobs: JobQueue;
  config: ControlPlaneConfig;
  providerClients: ProviderClientFactory;
  /** Resolver of provider API host names (save-time check and provider clients); `undefined`: `dns.lookup`. */
  resolveProviderHost: ResolveHost | undefined;
  /** The registered agent engines' specs: validate configurations, name their secret fields. */
  engines: EngineCatalog;
  /** Bounds the stream admissions handled at once, counts their outcomes. */
  admissions: AdmissionGate;
  /** Admissions of the same agent at the same moment share its lookup (`bus/admit.ts`). */
  streamAgents: SharedReads<StreamAgent | undefined>;
  /** Runs this replica admitted, handed to their `RunStart` without a read. */
  admittedRuns: AdmittedRuns;
  /** This replica's id on the bus (`REPLICA_ID`): edges send the `RunStart` of a run it admitted here. */
  replicaId: string;
  /** Where call recordings are stored (`config.recordings`); `null`: none are served. */
  recordings: RecordingStore | null;
  /** The open live-calls streams this replica serves (`GET /live-calls/events`), ended at close. */
  liveStreams: LiveStreams;
}
