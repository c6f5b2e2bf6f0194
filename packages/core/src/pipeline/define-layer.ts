import type { FailMode, Layer, LayerInput, LayerResult, LayerStage } from '../contracts/detector.js';
import { UserError } from '../errors/rampart-error.js';

export interface LayerDefinition {
  readonly id: string;
  readonly stage: LayerStage;
  readonly budgetMs: number;
  /** Absent: `closed`. Failing open must be asked for. */
  readonly failMode?: FailMode | undefined;
  run(input: LayerInput): LayerResult | Promise<LayerResult>;
}

/**
 * Builds a layer value (STYLE rule 1): checks the time budget once, in one place, and makes
 * fail-closed the default so no layer can forget it.
 *
 * @example
 * const layer = defineLayer({ id: 'limits', stage: 'limit', budgetMs: 10, run: (input) => ({ status: 'ok', findings: [] }) });
 */
export function defineLayer(definition: LayerDefinition): Layer {
  const { id, stage, budgetMs, run } = definition;
  if (!(budgetMs > 0)) throw new UserError('RAMPART_E_CONFIG_INVALID', `${id} layer: budgetMs must be positive, got ${String(budgetMs)}`);
  return { id, stage, budgetMs, failMode: definition.failMode ?? 'closed', run };
}
