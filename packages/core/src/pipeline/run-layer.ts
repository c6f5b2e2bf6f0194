import type { Finding, Layer, LayerInput, LayerResult } from '../contracts/detector.js';
import type { LayerTiming } from '../contracts/decision.js';

export interface TimedLayerResult {
  readonly result: LayerResult;
  readonly timing: LayerTiming;
}

/**
 * Runs one layer under its time budget and never throws: a throw becomes an error result, and
 * an answer later than the budget becomes a timeout. Synchronous layers are timed after the
 * fact (JavaScript cannot pre-empt them) so their overrun still counts; asynchronous ones race
 * a timer. Sync layers pay no timer cost, which keeps the hot path cheap.
 */
export async function runLayer(layer: Layer, input: LayerInput): Promise<TimedLayerResult> {
  const started = process.hrtime.bigint();
  let result: LayerResult;
  let status: LayerTiming['status'] = 'ok';
  try {
    const answer = layer.run(input);
    result = isPromise(answer) ? await withBudget(answer, layer.budgetMs) : answer;
  } catch (error) {
    result = { status: 'error', error: { code: 'layer_threw', message: error instanceof Error ? error.message : String(error) } };
  }
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  if (result.status === 'error') {
    status = result.error.code === 'layer_timeout' ? 'timeout' : 'error';
  } else if (micros > layer.budgetMs * 1000) {
    status = 'timeout';
    result = { status: 'error', error: { code: 'layer_timeout', message: `layer ran ${Math.round(micros)}µs, over its ${layer.budgetMs}ms budget` } };
  }
  return { result, timing: { layerId: layer.id, micros, status } };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function withBudget(promise: Promise<LayerResult>, budgetMs: number): Promise<LayerResult> {
  return new Promise<LayerResult>((resolve) => {
    const timer = setTimeout(() => {
      resolve({ status: 'error', error: { code: 'layer_timeout', message: `no answer within ${budgetMs}ms` } });
    }, budgetMs);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ status: 'error', error: { code: 'layer_threw', message: error instanceof Error ? error.message : String(error) } });
      },
    );
  });
}

/**
 * The finding that stands for a failed layer. With fail mode `closed` it is high severity so the
 * policy treats the request as high risk; with `open` it is informational and only recorded.
 */
export function layerFailureFinding(layer: Layer, error: { code: string; message: string }): Finding {
  return {
    category: 'layer_error',
    severity: layer.failMode === 'closed' ? 'high' : 'info',
    confidence: 1,
    layerId: layer.id,
    reasonCode: `layer_error.${layer.id}`,
    evidence: [],
    description: `${error.code}: ${error.message}`,
  };
}
