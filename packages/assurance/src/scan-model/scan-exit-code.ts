import type { FileReport } from './finding.js';

/**
 * The exit code for a scan, by the most severe thing found:
 * 1 a critical or high finding; 4 a file could not be parsed (and nothing critical or high);
 * 3 only medium or low findings; 0 nothing above info.
 *
 * @example
 * scanExitCode([{ parsed: true, findings: [{ severity: 'medium', ... }] }]) // 3
 */
export function scanExitCode(files: readonly Pick<FileReport, 'parsed' | 'findings'>[]): 0 | 1 | 3 | 4 {
  const severities = new Set(files.flatMap((file) => file.findings.map((finding) => finding.severity)));
  if (severities.has('critical') || severities.has('high')) return 1;
  if (files.some((file) => !file.parsed)) return 4;
  if (severities.has('medium') || severities.has('low')) return 3;
  return 0;
}
