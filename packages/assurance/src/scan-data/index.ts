// `rampart scan-data`: training-data anti-poisoning checks and the continual-learning gate.
export { readDataset, parseDataset, TEXT_FIELDS, OUTPUT_FIELDS, MAX_FILE_BYTES, MAX_ROW_BYTES, MAX_ROWS, type Dataset, type DatasetRow, type DatasetFormat, type LabelSource, type ReadDatasetOptions } from './read-dataset.js';
export { scanDataset, CHECKS, CHECK_DESCRIPTIONS, type CheckName, type RowReason, type RowFinding, type ScanDataReport, type ScanResult, type ScanOptions } from './scan-dataset.js';
export { buildTokenIndex, type TokenIndex } from './token-index.js';
export { analyzeRows, PARALLEL_MIN_ROWS, type RowAnalysis, type RowAnalysisInput } from './analyze-rows.js';
export { countNgrams, sketchRows, countRows, mergeSketches, mergeCounts, sketchBitsFor, type NgramCounts } from './ngram-counts.js';
export { tokenHashes, tokenStrings, MAX_ROW_TOKENS } from './token-hashes.js';
export { findDuplicates, NEAR_DUPLICATE_JACCARD, NEIGHBOUR_JACCARD, type DuplicateAnalysis, type DuplicateOptions, type DuplicateEdges } from './near-duplicates.js';
export { labelBuckets, MAX_NAMED_LABELS, type LabelBuckets } from './label-buckets.js';
export { findBackdoorTriggers, rowsHoldingTriggers, TRIGGER_DEFAULTS, type BackdoorTrigger, type TriggerAnalysis, type TriggerOptions } from './backdoor-triggers.js';
export { findLabelConflicts, type LabelFinding, type LabelCheck } from './label-conflicts.js';
export { findSecrets, maskSecrets, type SecretMatch } from './find-secrets.js';
export { findOutliers, LENGTH_Z, type OutlierFinding, type OutlierStats } from './find-outliers.js';
export { createInjectionScanner, INJECTION_CATEGORIES, type InjectionScanner, type InjectionFinding, type InjectionScannerOptions } from './injection-scanner.js';
export { measureShift, SHIFT_THRESHOLDS, type ShiftReport, type ShiftCheck, type ShiftCheckName } from './distribution-shift.js';
export { chiSquareHomogeneity, twoSampleKs, jensenShannonBits } from './shift-statistics.js';
export { hypergeometricUpperTailLog10, logFactorials } from './hypergeometric-tail.js';
export { renderHtmlReport, escapeHtml } from './render-html-report.js';
export { formatCleanRows, formatQuarantineRows, quarantineRow } from './write-rows.js';
