// CycloneDX 1.6 ML-BOM for a model folder or file: hashes of every file, datasets and a model card
// (from a model card file or a Rampart classifier report). docs/reference/bom.md describes the output.
export { buildMlBom, type BuildMlBomOptions, type MlBomResult } from './build-ml-bom.js';
export { loadModelCardSpec, parseModelCardSpec, MAX_MODEL_CARD_BYTES } from './load-model-card-spec.js';
export {
  ModelCardSpec,
  DatasetSpec,
  MetricSpec,
  DatasetRole,
  LearningApproach,
  EthicalConsiderationSpec,
  FairnessAssessmentSpec,
} from './model-card-spec.js';
export { ClassifierReport } from './classifier-report.js';
export { findClassifierReport, type ClassifierReportMatch, type FindClassifierReportInput } from './find-classifier-report.js';
export { modelCardFromReport } from './model-card-from-report.js';
export { toCycloneDxModelCard, METRICS_UNKNOWN, DATASETS_UNKNOWN } from './to-cyclonedx-model-card.js';
export { wilsonInterval, aurocInterval, type Interval } from './confidence-interval.js';
export type { MlBom, MlBomComponent, CycloneDxModelCard, CycloneDxComponentData, CycloneDxPerformanceMetric, CycloneDxProperty } from './ml-bom.js';
