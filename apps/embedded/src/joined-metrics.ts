import type { Registry } from 'prom-client';

/**
 * The main thread's registry and the text of another thread's, as one Prometheus scrape. The other
 * thread's metrics have names of their own (no process or default metrics there).
 */
export function joinedMetrics(registry: Registry, other: () => Promise<string>): Pick<Registry, 'contentType' | 'metrics'> {
  return {
    contentType: registry.contentType,
    async metrics() {
      const [own, theirs] = await Promise.all([registry.metrics(), other()]);
      return `${own.trimEnd()}\n${theirs}`;
    },
  };
}
