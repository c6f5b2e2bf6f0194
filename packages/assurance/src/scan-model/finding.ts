/**
 * What a scan reports. A finding is one observation about one file (or one entry of an archive),
 * graded by how much harm loading the file could do. Severities are ordered: `critical` (code
 * runs on load) > `high` > `medium` (warnings: unknown imports, malformed structure) > `low` >
 * `info`.
 */
import type { RuleId } from './rule-catalog.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  readonly severity: Severity;
  readonly rule: RuleId;
  readonly message: string;
  /** Byte offset in the file, or in `entry` when the finding is inside an archive entry. */
  readonly offset?: number;
  /** Archive entry (zip member) the finding is in. */
  readonly entry?: string;
  /** For import findings: the Python module and attribute the pickle imports. */
  readonly module?: string;
  readonly name?: string;
  /** How many times the same finding occurred (reported once). */
  readonly count?: number;
}

/** Formats the scanner recognises; `unknown` files are reported, not parsed. */
export const MODEL_FORMATS = [
  'pickle',
  'pytorch-zip',
  'pytorch-legacy',
  'joblib',
  'numpy',
  'npz',
  'safetensors',
  'onnx',
  'keras',
  'keras-h5',
  'gguf',
  'zip',
  'git-lfs-pointer',
  'unknown',
] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export interface FileReport {
  readonly path: string;
  readonly format: ModelFormat;
  /** False when the file (or a part the loader would read) could not be parsed to the end. */
  readonly parsed: boolean;
  readonly bytes: number;
  readonly findings: readonly Finding[];
}

export interface ScanSummary {
  readonly files: number;
  readonly unparsed: number;
  /** Files in a folder that are not model files (README, tokenizer JSON...): listed nowhere. */
  readonly skipped: number;
  readonly findings: Record<Severity, number>;
  /** The highest severity found, or null when there is none. */
  readonly highest: Severity | null;
  /** The exit code `rampart scan-model` returns for this report (see scan-exit-code.ts). */
  readonly exitCode: 0 | 1 | 3 | 4;
}

export interface ScanReport {
  readonly root: string;
  readonly files: readonly FileReport[];
  readonly summary: ScanSummary;
}

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** Positive when `a` is more severe than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return RANK[a] - RANK[b];
}

/** The most severe of the findings' severities, or null for none. */
export function highestSeverity(findings: Iterable<Finding>): Severity | null {
  let best: Severity | null = null;
  for (const finding of findings) if (best === null || compareSeverity(finding.severity, best) > 0) best = finding.severity;
  return best;
}
