import { resolve } from 'node:path';
import type { Layer } from '../contracts/detector.js';
import type { LimitSettings, PipelineSettings } from '../config/schema.js';
import { BUILTIN_MODEL_PATH, createClassifierLayer } from '../classifier/classifier-layer.js';
import { createLimitsLayer } from '../detectors/limits/index.js';
import { createNormalizeLayer } from '../detectors/normalize/index.js';
import { createRulesLayer } from '../detectors/rules/index.js';
import { loadBuiltinRulePacks, loadRulePackFile } from '../detectors/rules/load-rule-packs.js';

/**
 * Default time budgets. Synchronous layers are timed after the fact, so a budget has to absorb a
 * garbage-collection pause: a too-tight budget would fail closed on healthy requests under load.
 */
export const DEFAULT_BUDGETS_MS = { limits: 10, normalize: 50, rules: 50, classifier: 50 } as const;

/**
 * Builds the ordered layer list from configuration. Registration is explicit: a layer runs
 * because the config names it (every built-in layer is on unless `enabled: false`), never
 * because a module was imported.
 *
 * @example
 * const layers = buildLayers({ limits: config.limits, pipeline: config.pipeline }, { baseDir: process.cwd() });
 */
export function buildLayers(
  settings: { limits: LimitSettings; pipeline: PipelineSettings },
  options: { baseDir: string; onWarning?: (message: string) => void },
): Layer[] {
  const { pipeline } = settings;
  const layers: Layer[] = [];
  if (pipeline.limits.enabled) {
    layers.push(
      createLimitsLayer({
        ...settings.limits,
        budgetMs: pipeline.limits.budgetMs ?? DEFAULT_BUDGETS_MS.limits,
        failMode: pipeline.limits.failMode,
      }),
    );
  }
  if (pipeline.normalize.enabled) {
    layers.push(createNormalizeLayer({ budgetMs: pipeline.normalize.budgetMs ?? DEFAULT_BUDGETS_MS.normalize, failMode: pipeline.normalize.failMode }));
  }
  if (pipeline.rules.enabled) {
    const packs = [
      ...(pipeline.rules.builtinPacks ? loadBuiltinRulePacks() : []),
      ...pipeline.rules.packs.map((file) => loadRulePackFile(resolve(options.baseDir, file))),
    ];
    layers.push(createRulesLayer({ packs, budgetMs: pipeline.rules.budgetMs ?? DEFAULT_BUDGETS_MS.rules, failMode: pipeline.rules.failMode }));
  }
  if (pipeline.classifier.enabled) {
    const { model } = pipeline.classifier;
    layers.push(
      createClassifierLayer({
        modelPath: model === undefined ? BUILTIN_MODEL_PATH : resolve(options.baseDir, model),
        budgetMs: pipeline.classifier.budgetMs ?? DEFAULT_BUDGETS_MS.classifier,
        failMode: pipeline.classifier.failMode,
        onLoadError: (message) => options.onWarning?.(`classifier layer fails closed (every request goes to review): ${message}`),
      }),
    );
  }
  return layers;
}
