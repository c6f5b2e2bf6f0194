import type { CycloneDxModelCard, CycloneDxPerformanceMetric, CycloneDxProperty } from './ml-bom.js';
import type { MetricSpec, ModelCardSpec } from './model-card-spec.js';

/** Said in the card when nobody supplied figures: an absent section must not read as "nothing to report". */
export const METRICS_UNKNOWN = 'No performance metrics were supplied for this model; its accuracy is unknown.';
export const DATASETS_UNKNOWN = 'The datasets this model was trained and evaluated on were not supplied; they are unknown.';

/**
 * Turns model card facts into the CycloneDX 1.6 `modelCard` object. Datasets appear as
 * references to `data` components (`datasetRefs`, same order as `card.datasets`). Empty sections
 * are left out, as the schema allows; missing metrics or datasets are stated as unknown, both as a
 * technical limitation a reader sees and as a `rampart:metrics` / `rampart:datasets` property a
 * tool can check.
 *
 * @example
 * toCycloneDxModelCard({ task: 'classification', limitations: ['English only'] }, { datasetRefs: [] })
 * // { modelParameters: { task: 'classification' }, considerations: { technicalLimitations: ['English only', METRICS_UNKNOWN, DATASETS_UNKNOWN] }, properties: [...] }
 */
export function toCycloneDxModelCard(card: ModelCardSpec, links: { datasetRefs: readonly string[]; bomRef?: string }): CycloneDxModelCard {
  const metrics = (card.metrics ?? []).map(toMetric);
  const properties: CycloneDxProperty[] = [];
  const limitations = [...(card.limitations ?? [])];
  if (metrics.length === 0) {
    limitations.push(METRICS_UNKNOWN);
    properties.push({ name: 'rampart:metrics', value: 'unknown' });
  }
  if (links.datasetRefs.length === 0) {
    limitations.push(DATASETS_UNKNOWN);
    properties.push({ name: 'rampart:datasets', value: 'unknown' });
  }

  const modelParameters = compact({
    approach: card.approach === undefined ? undefined : { type: card.approach },
    task: card.task,
    architectureFamily: card.architectureFamily,
    modelArchitecture: card.modelArchitecture,
    datasets: nonEmpty(links.datasetRefs.map((ref) => ({ ref }))),
    inputs: nonEmpty((card.inputs ?? []).map((format) => ({ format }))),
    outputs: nonEmpty((card.outputs ?? []).map((format) => ({ format }))),
  });
  const considerations = compact({
    users: nonEmpty(card.users ?? []),
    useCases: nonEmpty(card.useCases ?? []),
    technicalLimitations: nonEmpty(limitations),
    performanceTradeoffs: nonEmpty(card.tradeoffs ?? []),
    ethicalConsiderations: nonEmpty((card.ethicalConsiderations ?? []).map((e) => compact({ name: e.name, mitigationStrategy: e.mitigationStrategy }))),
    fairnessAssessments: nonEmpty((card.fairnessAssessments ?? []).map((f) => compact({ ...f }))),
  });
  return compact({
    'bom-ref': links.bomRef,
    modelParameters: Object.keys(modelParameters).length > 0 ? modelParameters : undefined,
    quantitativeAnalysis: metrics.length > 0 ? { performanceMetrics: metrics } : undefined,
    considerations: Object.keys(considerations).length > 0 ? considerations : undefined,
    properties: nonEmpty(properties),
  });
}

function toMetric(m: MetricSpec): CycloneDxPerformanceMetric {
  const interval = compact({ lowerBound: m.lowerBound, upperBound: m.upperBound });
  return {
    type: m.type,
    value: m.value,
    ...(m.slice === undefined ? {} : { slice: m.slice }),
    ...(Object.keys(interval).length > 0 ? { confidenceInterval: interval } : {}),
  };
}

function nonEmpty<T>(items: readonly T[]): readonly T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/** Drops undefined fields, so the JSON has no `"task": undefined` holes and key order stays fixed. */
function compact<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
