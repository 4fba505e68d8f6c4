import { Registry, collectDefaultMetrics } from 'prom-client';

let shared: Registry | undefined;

/**
 * Given a registry, adds this process's own figures to it (CPU, memory, event-loop lag, garbage collection, handles:
 * prom-client's default metrics). They are collected once per process, however many servers it runs (`npm start`
 * runs the gateway and the four subgraphs in one), and each server's registry shows the same ones.
 */
export function withProcessMetrics(registry: Registry): Registry {
  if (shared === undefined) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  for (const { name } of shared.getMetricsAsArray()) registry.registerMetric(shared.getSingleMetric(name)!);
  return registry;
}
