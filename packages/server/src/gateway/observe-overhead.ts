import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import type { Runtime } from '../runtime/create-runtime.js';

/** Rampart's own share of the request's time: everything but the wait for the upstream. */
export function observeOverhead(rt: Runtime, c: Context<AppEnv>, sample: { action: string; upstreamNanos: bigint }): void {
  const { action, upstreamNanos } = sample;
  const nanos = process.hrtime.bigint() - c.get('startedAt') - upstreamNanos;
  rt.metrics.overhead.observe({ action }, Number(nanos) / 1e9);
}
