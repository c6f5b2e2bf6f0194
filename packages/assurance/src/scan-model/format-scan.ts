import type { Finding, ModelFormat } from './finding.js';
import type { ScanLimits } from './scan-limits.js';

/** What one format reader returns for one file or archive entry. */
export interface FormatScan {
  readonly format: ModelFormat;
  readonly parsed: boolean;
  readonly findings: Finding[];
}

/** What every reader is given besides the bytes. */
export interface ScanContext {
  readonly limits: ScanLimits;
  /** Path of the file on disk (ONNX resolves external data next to it). */
  readonly filePath: string;
  /** Folder being scanned (symlinks and external data must stay inside it). */
  readonly root: string;
}
