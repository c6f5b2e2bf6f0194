import { modelScanToSarif, scanModelPath, type ModelFileReport, type ModelFinding, type ModelScanReport } from '@rampart/assurance';
import { UserError } from '@rampart/core';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { VERSION } from '../version.js';


/**
 * `rampart scan-model PATH [--json|--sarif]`: parses model files (never loads or runs them) and
 * exits by the most severe finding: 1 critical/high, 4 a file could not be parsed, 3 only
 * medium/low, 0 clean. A missing path or conflicting options exit 2.
 */
export async function scanModelCommand(io: CliIo, input: { path: string; opts: { json?: boolean; sarif?: boolean } }): Promise<ExitCode> {
  const { path, opts } = input;
  if (opts.json === true && opts.sarif === true) throw new UserError('RAMPART_E_CLI_USAGE', 'Choose one of --json and --sarif.');
  const report = await scanModelPath(path);
  if (opts.sarif === true) writeJson(io.stdout, modelScanToSarif(report, { version: VERSION }));
  else if (opts.json === true) writeJson(io.stdout, { files: report.files, summary: report.summary });
  else writeText(io, report);
  return report.summary.exitCode;
}

function writeText(io: CliIo, report: ModelScanReport): void {
  for (const file of report.files) {
    writeLine(io.stdout, fileLine(file));
    for (const finding of file.findings) writeLine(io.stdout, `  ${finding.severity.toUpperCase().padEnd(8)} ${findingLine(finding)}`);
  }
  const { summary } = report;
  const counts = Object.entries(summary.findings)
    .map(([severity, n]) => `${n} ${severity}`)
    .join(', ');
  const skipped = summary.skipped > 0 ? `, ${summary.skipped} other files skipped` : '';
  writeLine(io.stdout, `${summary.files} files scanned (${summary.unparsed} not parsed${skipped}); findings: ${counts}; exit ${summary.exitCode}`);
}

function fileLine(file: ModelFileReport): string {
  const state = file.parsed ? '' : ', NOT PARSED';
  const verdict = file.findings.length === 0 ? 'ok' : `${file.findings.length} finding${file.findings.length === 1 ? '' : 's'}`;
  return `${file.path} [${file.format}${state}] ${verdict}`;
}

function findingLine(finding: ModelFinding): string {
  const where = [finding.entry === undefined ? '' : `in ${finding.entry}`, finding.offset === undefined ? '' : `at byte ${finding.offset}`].filter(Boolean).join(' ');
  const count = finding.count === undefined ? '' : ` (x${finding.count})`;
  return `${finding.rule}: ${finding.message}${where === '' ? '' : ` (${where})`}${count}`;
}
