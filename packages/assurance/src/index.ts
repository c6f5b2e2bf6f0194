// Library code behind the assurance tools. Each area keeps its full API in its own index; this
// file exports what the CLI and the gateway use, so the package's surface stays deliberate.

// Supply chain: sign and verify model folders and datasets (docs/reference/signing.md).
export {
  BUNDLE_MEDIA_TYPE,
  describeDifference,
  displayPath,
  generateSigningKeyPair,
  hashTree,
  signTree,
  verifyTree,
  type SignTreeOptions,
  type SignTreeResult,
  type SigningAlgorithm,
  type TreeDifference,
  type VerifyTreeOptions,
  type VerifyTreeResult,
} from './signing/index.js';

// ML-BOM: CycloneDX 1.6 with a model card (docs/reference/bom.md).
export { buildMlBom, loadModelCardSpec } from './bom/index.js';

// Model-file scanning: unsafe serialization, without loading anything (docs/reference/scan-model.md).
export { modelScanToSarif, scanModelPath, type ModelFileReport, type ModelFinding, type ModelScanReport } from './scan-model/index.js';

// Training-data scanning and the continual-learning gate (docs/reference/scan-data.md).
export {
  CHECKS,
  createInjectionScanner,
  formatCleanRows,
  formatQuarantineRows,
  readDataset,
  renderHtmlReport,
  scanDataset,
  type InjectionScanner,
  type ScanDataReport,
} from './scan-data/index.js';
