import { METRICS_UNAUTHORIZED, metricsAuthorized, type MetricsAccess } from '@vr3/env';
import type { Bus } from '@vr3/protocol';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { ProviderClientFactory } from './providers/registry.ts';

/** The control-plane's prom-client metrics. */
export interface ControlPlaneMetrics {
  registry: Registry;
  /** Requests this replica sent on the bus (run control to edges), by subject pattern and outcome. */
  busRequestSeconds: Histogram<'subject' | 'outcome'>;
  /** Requests this replica answered (admit, start, finalize, action), by subject and outcome. */
  busHandledSeconds: Histogram<'subject' | 'outcome'>;
  /** Provider REST calls by provider, operation and outcome (`ok` or the error code). */
  providerRequests: Counter<'provider' | 'op' | 'outcome'>;
  providerRequestSeconds: Histogram<'provider' | 'op'>;
}

/** Buckets of bus and provider latencies, in seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Registers the control-plane metrics in `registry` (reusing ones already there). */
export function createControlPlaneMetrics(registry: Registry = new Registry()): ControlPlaneMetrics {
  const reuse = <M extends Metric<string>>(name: string, make: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? make();
  const registers = [registry];
  return {
    registry,
    busRequestSeconds: reuse(
      'vr3_control_plane_bus_request_seconds',
      () =>
        new Histogram({
          name: 'vr3_control_plane_bus_request_seconds',
          help: 'NATS requests sent by the control-plane (run control), by subject pattern and outcome',
          labelNames: ['subject', 'outcome'] as const,
          buckets: LATENCY_BUCKETS,
          registers,
        }),
    ),
    busHandledSeconds: reuse(
      'vr3_control_plane_bus_handled_seconds',
      () =>
        new Histogram({
          name: 'vr3_control_plane_bus_handled_seconds',
          help: 'NATS requests answered by the control-plane, by subject and outcome',
          labelNames: ['subject', 'outcome'] as const,
          buckets: LATENCY_BUCKETS,
          registers,
        }),
    ),
    providerRequests: reuse(
      'vr3_control_plane_provider_requests_total',
      () =>
        new Counter({
          name: 'vr3_control_plane_provider_requests_total',
          help: 'Provider REST calls by provider, operation and outcome',
          labelNames: ['provider', 'op', 'outcome'] as const,
          registers,
        }),
    ),
    providerRequestSeconds: reuse(
      'vr3_control_plane_provider_request_seconds',
      () =>
        new Histogram({
          name: 'vr3_control_plane_provider_request_seconds',
          help: 'Provider REST call latency',
          labelNames: ['provider', 'op'] as const,
          buckets: LATENCY_BUCKETS,
          registers,
        }),
    ),
  };
}

/** A subject without per-run parts, fit for a label (`vr3.edge.run.<id>.control` → `vr3.edge.run.control`). */
export function subjectLabel(subject: string): string {
  return subject.replace(/^vr3\.edge\.run\.[^.]+\./, 'vr3.edge.run.');
}

const outcomeOf = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
};

/** The same bus, timing every request sent and every request answered. */
export function instrumentBus(bus: Bus, metrics: ControlPlaneMetrics): Bus {
  return {
    async request(subject, data, options) {
      const end = metrics.busRequestSeconds.startTimer({ subject: subjectLabel(subject) });
      try {
        const res = await bus.request(subject, data, options);
        end({ outcome: 'ok' });
        return res as never;
      } catch (err) {
        end({ outcome: outcomeOf(err) });
        throw err;
      }
    },
    respond(subject, handler, options) {
      const label = subjectLabel(subject);
      return bus.respond(
        subject,
        async (data, actual) => {
          const end = metrics.busHandledSeconds.startTimer({ subject: label });
          try {
            const res = await handler(data, actual);
            end({ outcome: 'ok' });
            return res;
          } catch (err) {
            end({ outcome: outcomeOf(err) });
            throw err;
          }
        },
        options,
      );
    },
    publish: (subject, data) => bus.publish(subject, data),
    subscribe: (subject, handler, options) => bus.subscribe(subject, handler, options),
    close: () => bus.close(),
  };
}

/** The same provider client factory, counting and timing every REST call by outcome. */
export function instrumentProviderClients(factory: ProviderClientFactory, metrics: ControlPlaneMetrics): ProviderClientFactory {
  return (provider, options) => {
    const client = factory(provider, options);
    const timed = async <T>(op: string, call: () => Promise<T>): Promise<T> => {
      const end = metrics.providerRequestSeconds.startTimer({ provider, op });
      try {
        const res = await call();
        metrics.providerRequests.inc({ provider, op, outcome: 'ok' });
        return res;
      } catch (err) {
        metrics.providerRequests.inc({ provider, op, outcome: outcomeOf(err) });
        throw err;
      } finally {
        end();
      }
    };
    // Every method of the client (validateCall, hangup, transfer, …) is timed under its own name.
    return new Proxy(client, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        const op = String(prop);
        return (...args: unknown[]) => timed(op, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      },
    });
  };
}

/** Gauges read when `/metrics` is scraped: live runs (database) and job queue depths. */
export function registerStateGauges(
  metrics: ControlPlaneMetrics,
  sources: { activeRuns: () => Promise<number>; queueDepths?: () => Promise<Record<string, number>> },
): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'vr3_control_plane_active_runs',
    help: 'Runs initialized or running (all edges)',
    registers,
    async collect() {
      this.set(await sources.activeRuns().catch(() => -1));
    },
  });
  if (sources.queueDepths) {
    const depths = sources.queueDepths;
    new Gauge({
      name: 'vr3_control_plane_job_queue_depth',
      help: 'Jobs by state (outbox_pending: not yet handed to Redis); -1 while unreachable',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        for (const [state, n] of Object.entries(await depths())) this.set({ state }, n);
      },
    });
  }
}

/**
 * `GET /metrics`: the registry's Prometheus text to a request `access` allows (`metricsAuthorized`
 * of `@vr3/env`), else 401 `unauthorized` with `WWW-Authenticate: Bearer` (`METRICS_UNAUTHORIZED`).
 */
export function metricsHandler(registry: Pick<Registry, 'contentType' | 'metrics'>, access: MetricsAccess): RequestHandler {
  return async (req, res) => {
    if (!metricsAuthorized(access, req.headers.authorization)) {
      res.status(METRICS_UNAUTHORIZED.status).set(METRICS_UNAUTHORIZED.headers).send(METRICS_UNAUTHORIZED.body);
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  };
}
