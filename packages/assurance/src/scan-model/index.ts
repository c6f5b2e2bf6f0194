// Model-file scanning: parse pickle, PyTorch, NumPy, joblib, safetensors, ONNX, Keras and GGUF
// files and report what loading them could do, without loading or executing any of them.
// Generic names are exported with a model-scan prefix so the package index stays unambiguous.
export { scanModelPath, type ScanModelOptions } from './scan-model-path.js';
export { scanExitCode as modelScanExitCode } from './scan-exit-code.js';
export { toSarif as modelScanToSarif } from './sarif-report.js';
export { classifyImport as classifyPickleImport, SAFE_IMPORTS as SAFE_PICKLE_IMPORTS, DENY_RULES as PICKLE_DENY_RULES, type ImportVerdict as PickleImportVerdict, type ImportCategory as PickleImportCategory } from './import-policy.js';
export { RULES as MODEL_SCAN_RULES, type RuleId as ModelScanRuleId, type RuleInfo as ModelScanRuleInfo } from './rule-catalog.js';
export { DEFAULT_LIMITS as DEFAULT_MODEL_SCAN_LIMITS, type ScanLimits as ModelScanLimits } from './scan-limits.js';
export {
  SEVERITIES as FINDING_SEVERITIES,
  MODEL_FORMATS,
  compareSeverity,
  highestSeverity,
  type Severity as FindingSeverity,
  type Finding as ModelFinding,
  type FileReport as ModelFileReport,
  type ModelFormat,
  type ScanReport as ModelScanReport,
  type ScanSummary as ModelScanSummary,
} from './finding.js';
