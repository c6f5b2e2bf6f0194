import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Microsecond-scale buckets (in seconds): layers run in tens of µs, model calls in seconds. */
const LAYER_BUCKETS = [1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 5e-2, 0.1];
const OVERHEAD_BUCKETS = [5e-5, 1e-4, 1.5e-4, 2e-4, 3e-4, 4e-4, 5e-4, 7.5e-4, 1e-3, 1.5e-3, 2e-3, 3e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1];
const UPSTREAM_BUCKETS = [1e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'decision' | 'category'>;
  readonly layerDuration: Histogram<'layer'>;
  readonly upstreamDuration: Histogram<'outcome'>;
  readonly upstreamErrors: Counter<'kind'>;
  readonly httpErrors: Counter<'code'>;
  readonly overhead: Histogram<'action'>;
}

/** One registry per gateway instance, so tests and multiple apps in a process do not collide. */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rampart_process_' });
  return {
    registry,
    requests: new Counter({
      name: 'rampart_requests_total',
      help: 'Chat requests by enforced decision and top finding category',
      labelNames: ['decision', 'category'],
      registers: [registry],
    }),
    layerDuration: new Histogram({
      name: 'rampart_layer_duration_seconds',
      help: 'Time spent in each safeguard layer',
      labelNames: ['layer'],
      buckets: LAYER_BUCKETS,
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: 'rampart_upstream_duration_seconds',
      help: 'Upstream model API latency (time to response headers)',
      labelNames: ['outcome'],
      buckets: UPSTREAM_BUCKETS,
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: 'rampart_upstream_errors_total',
      help: 'Upstream failures by kind (timeout, unreachable, status_5xx)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    overhead: new Histogram({
      name: 'rampart_overhead_seconds',
      help: 'Time a chat request spends in Rampart itself (handler start to answer, minus the upstream wait)',
      labelNames: ['action'],
      buckets: OVERHEAD_BUCKETS,
      registers: [registry],
    }),
    httpErrors: new Counter({
      name: 'rampart_http_errors_total',
      help: 'Requests answered with an error, by Rampart error code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}
