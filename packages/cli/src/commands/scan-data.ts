import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '@rampart/core';
import {
  CHECKS,
  createInjectionScanner,
  formatCleanRows,
  formatQuarantineRows,
  readDataset,
  renderHtmlReport,
  scanDataset,
  type InjectionScanner,
  type ScanDataReport,
} from '@rampart/assurance';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import type { ScanDataOptions } from './scan-data-options.js';

/** Examples printed per check in the text summary. */
const TEXT_EXAMPLES = 3;

/**
 * The rule packs and the classifier take seconds to load; one process scanning several files
 * (a test suite, a script calling runCli repeatedly) loads them once.
 */
let sharedScanner: InjectionScanner | undefined;

function injectionScanner(): InjectionScanner {
  sharedScanner ??= createInjectionScanner();
  return sharedScanner;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function pValue(log10P: number): string {
  return log10P > -3 ? `p=${(10 ** log10P).toPrecision(2)}` : `p≈1e${Math.floor(log10P)}`;
}

function labelsLine(report: ScanDataReport, labelField: string): string {
  if (report.labelSource === 'field') return `labels from field "${labelField}": ${plural(report.labels.length, 'label')}`;
  if (report.labelSource === 'output') return 'labels: the final assistant message (output)';
  return 'no labels: label and trigger checks skipped';
}

function printText(io: CliIo, input: { report: ScanDataReport; labelField: string }): void {
  const { report } = input;
  const out = (text = '') => writeLine(io.stdout, text);
  out(`${report.file}: ${plural(report.rows, 'row')} (${report.format}; ${labelsLine(report, input.labelField)}), ${report.flagged} flagged — ${report.pass ? 'PASS' : 'FAIL'}`);
  for (const check of CHECKS) if (report.reasons[check] > 0) out(`  ${check.padEnd(24)}${String(report.reasons[check]).padStart(7)}`);
  const nd = report.nearDuplicates;
  out(`near-duplicates: ${nd.clusters} clusters (${nd.rows} rows), ${nd.exactCopies} exact copies`);
  const confirmed = report.triggers.filter((t) => t.confirmed);
  if (report.labelSource !== 'none') {
    out(`backdoor triggers: ${confirmed.length} confirmed (${report.triggersTested} n-grams tested)`);
    for (const t of confirmed.slice(0, 10)) {
      out(`  ${JSON.stringify(t.ngram)} → ${JSON.stringify(t.label.length > 60 ? `${t.label.slice(0, 60)}…` : t.label)}: ${t.labelRows}/${t.rows} rows (base rate ${Math.round(t.baseRate * 100)}%), ${pValue(t.log10P)}, ${t.disagreeing} read as another label`);
    }
  }
  if (report.shift !== undefined && report.baseline !== undefined) {
    out(`shift against ${report.baseline.file} (${plural(report.baseline.rows, 'row')}): ${report.shift.pass ? 'pass' : 'FAIL'}`);
    for (const c of report.shift.checks) {
      const p = c.pValue === null ? '' : `, p=${c.pValue.toPrecision(2)}`;
      out(`  ${c.name.padEnd(22)}${c.pass ? 'pass' : 'FAIL'}  ${c.statistic.toPrecision(3)}${p} — ${c.detail}`);
    }
  }
  if (report.findings.length > 0) out('examples:');
  for (const check of CHECKS) {
    const examples = report.findings.filter((f) => f.reasons.some((r) => r.check === check)).slice(0, TEXT_EXAMPLES);
    for (const f of examples) {
      out(`  row ${f.row} (line ${f.line}) ${check}: ${f.reasons.find((r) => r.check === check)?.detail ?? ''}`);
      out(`    ${JSON.stringify(f.excerpt.length > 160 ? `${f.excerpt.slice(0, 160)}…` : f.excerpt)}`);
    }
  }
}

async function writeOutput(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (error) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `Cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * `rampart scan-data FILE`: scans a JSONL or CSV training set for poisoning; with `--baseline
 * OLD` it is the continual-learning gate for FILE as the new batch. Exit 0: nothing flagged
 * (and no shift); 1: rows flagged or a shift check failed; 2: usage or input error.
 */
export async function scanDataCommand(io: CliIo, input: { file: string; opts: ScanDataOptions }): Promise<ExitCode> {
  const { file, opts } = input;
  const outputs = [opts.outClean, opts.outQuarantine, opts.report].filter((p): p is string => p !== undefined);
  for (const path of outputs) {
    if (resolve(path) === resolve(file) || (opts.baseline !== undefined && resolve(path) === resolve(opts.baseline))) {
      throw new UserError('RAMPART_E_CLI_USAGE', `Refusing to overwrite the input ${path} with scan output`);
    }
  }
  if (new Set(outputs.map((p) => resolve(p))).size !== outputs.length) throw new UserError('RAMPART_E_CLI_USAGE', 'Each of --out-clean, --out-quarantine and --report needs its own file');
  const readOptions = { textField: opts.textField, labelField: opts.labelField };
  const dataset = readDataset(file, readOptions);
  const baseline = opts.baseline === undefined ? undefined : readDataset(opts.baseline, readOptions);
  const { report, flaggedRows } = await scanDataset({ dataset, ...(baseline === undefined ? {} : { baseline }), options: { injectionScanner: injectionScanner() } });
  if (opts.outClean !== undefined) await writeOutput(opts.outClean, formatCleanRows({ dataset, flaggedRows }));
  if (opts.outQuarantine !== undefined) await writeOutput(opts.outQuarantine, formatQuarantineRows({ dataset, findings: report.findings }));
  if (opts.report !== undefined) await writeOutput(opts.report, renderHtmlReport(report));
  if (opts.json === true) writeJson(io.stdout, report);
  else {
    printText(io, { report, labelField: opts.labelField });
    const written = [
      opts.outClean === undefined ? '' : `clean rows (${report.rows - report.flagged}) to ${opts.outClean}`,
      opts.outQuarantine === undefined ? '' : `quarantined rows (${report.flagged}) to ${opts.outQuarantine}`,
      opts.report === undefined ? '' : `the HTML report to ${opts.report}`,
    ].filter((s) => s !== '');
    if (written.length > 0) writeLine(io.stdout, `wrote ${written.join(', ')}`);
  }
  return report.pass ? 0 : 1;
}
