import { UserError } from '@rampart/core';
import { analyzeRows } from './analyze-rows.js';
import { rowsHoldingTriggers, type BackdoorTrigger, type TriggerAnalysis, type TriggerOptions } from './backdoor-triggers.js';
import { measureShift, type ShiftReport } from './distribution-shift.js';
import { findOutliers, type OutlierStats } from './find-outliers.js';
import { findSecrets, maskSecrets, type SecretMatch } from './find-secrets.js';
import { createInjectionScanner, type InjectionScanner, type InjectionScannerOptions } from './injection-scanner.js';
import { findLabelConflicts } from './label-conflicts.js';
import { NEAR_DUPLICATE_JACCARD, type DuplicateAnalysis, type DuplicateOptions } from './near-duplicates.js';
import type { Dataset, DatasetFormat, DatasetRow, LabelSource } from './read-dataset.js';

/** Every check a row can fail, in report order. */
export const CHECKS = [
  'backdoor-trigger',
  'introduced-trigger',
  'label-flip',
  'label-conflict',
  'neighbour-disagreement',
  'injected-instruction',
  'secret',
  'pii',
  'duplicate',
  'outlier-length',
  'outlier-charset',
  'outlier-language',
] as const;
export type CheckName = (typeof CHECKS)[number];

/** What each check means, for reports. */
export const CHECK_DESCRIPTIONS: Readonly<Record<CheckName, string>> = {
  'backdoor-trigger': 'A rare word or phrase always tied to one label (or output), in a row whose other words point to another label: a planted backdoor trigger.',
  'introduced-trigger': 'A trigger the new data brings and the baseline does not hold (continual-learning gate).',
  'label-flip': 'A near-duplicate of an accepted baseline row with a different label (continual-learning gate).',
  'label-conflict': 'Near-duplicate rows with different labels: the minority (or, with no majority, the label the words do not support).',
  'neighbour-disagreement': 'Most of the row\'s near neighbours carry one other label.',
  'injected-instruction': 'An instruction override or jailbreak string inside training text (Rampart\'s rule packs and classifier).',
  secret: 'A credential: cloud or API key, token, private key.',
  pii: 'Personal data: e-mail address, phone number, card number (Luhn), IBAN (mod 97), US SSN.',
  duplicate: 'A later copy of a row with the same text and label.',
  'outlier-length': 'Empty, or far longer or shorter than the rest (robust z-score on log length).',
  'outlier-charset': 'Hidden characters (tag characters, bidi controls, invisible runs) or mis-decoded text.',
  'outlier-language': 'A script or language other than the dataset\'s own.',
};

export interface RowReason {
  readonly check: CheckName;
  readonly detail: string;
}

export interface RowFinding {
  /** 1-based row number in the scanned file (data rows, not counting a CSV header). */
  readonly row: number;
  /** 1-based line where the row starts. */
  readonly line: number;
  readonly reasons: readonly RowReason[];
  /** The start of the row's text, whitespace folded, secrets masked. */
  readonly excerpt: string;
}

export interface ScanDataReport {
  readonly file: string;
  readonly format: DatasetFormat;
  readonly rows: number;
  readonly labelSource: LabelSource;
  /** The most frequent labels (or outputs) and their row counts. */
  readonly labels: readonly { readonly label: string; readonly rows: number }[];
  readonly flagged: number;
  /** Rows failing each check. */
  readonly reasons: Readonly<Record<CheckName, number>>;
  readonly nearDuplicates: { readonly clusters: number; readonly rows: number; readonly exactCopies: number };
  readonly triggers: readonly BackdoorTrigger[];
  readonly triggersTested: number;
  readonly outliers: OutlierStats;
  readonly baseline?: { readonly file: string; readonly rows: number };
  readonly shift?: ShiftReport;
  readonly findings: readonly RowFinding[];
  /** No row flagged and, with a baseline, no shift check failed. */
  readonly pass: boolean;
}

export interface ScanResult {
  readonly report: ScanDataReport;
  /** Indexes (into dataset.rows) of the flagged rows, ascending. */
  readonly flaggedRows: readonly number[];
}

export interface ScanOptions {
  readonly triggers?: TriggerOptions;
  readonly duplicates?: DuplicateOptions;
  /** Options of the injection check; `false` turns it off. */
  readonly injection?: InjectionScannerOptions | false;
  /** A scanner to reuse (tests, repeated scans). */
  readonly injectionScanner?: InjectionScanner;
  /** Threads for the duplicate and trigger analyses (default: 2 when there are two cores). */
  readonly threads?: number;
}

const EXCERPT_CHARS = 240;
/** A baseline holding a trigger in at most this share of the new data's count did not have it. */
const INTRODUCED_SHARE = 0.1;

function excerpt(text: string, secrets: readonly SecretMatch[]): string {
  const shown = (secrets.length > 0 ? maskSecrets(text, secrets) : text).replace(/\s+/g, ' ').trim();
  return shown.length > EXCERPT_CHARS ? `${shown.slice(0, EXCERPT_CHARS)}…` : shown;
}

function pValueText(log10P: number): string {
  return log10P > -3 ? `p=${(10 ** log10P).toPrecision(2)}` : `p≈1e${Math.floor(log10P)}`;
}

/** The row reasons of the trigger analysis for rows of the current data. */
function triggerReasons(input: { analysis: TriggerAnalysis; current: (row: number) => boolean; add: (row: number, reason: RowReason) => void }): void {
  const { analysis } = input;
  for (const [row, hit] of analysis.flagged) {
    if (!input.current(row)) continue;
    const t = analysis.triggers[hit.trigger] as BackdoorTrigger;
    input.add(row, {
      check: 'backdoor-trigger',
      detail: `holds ${JSON.stringify(t.ngram)}, tied to ${JSON.stringify(t.label)} (${t.labelRows} of its ${t.rows} rows, base rate ${Math.round(t.baseRate * 100)}%, ${pValueText(t.log10P)}), but the rest of the row reads as ${JSON.stringify(hit.reads)}`,
    });
  }
}

/** Triggers the current data brings and the baseline lacks, and the current rows carrying them. */
function introducedTriggers(input: { analysis: TriggerAnalysis; offset: number; labels: readonly (string | undefined)[]; add: (row: number, reason: RowReason) => void }): BackdoorTrigger[] {
  const { analysis, offset } = input;
  const confirmed = analysis.triggers.map((t, i) => (t.confirmed ? i : -1)).filter((i) => i >= 0);
  const holders = rowsHoldingTriggers({ analysis, triggers: confirmed });
  const introduced: BackdoorTrigger[] = [];
  confirmed.forEach((t, k) => {
    const trigger = analysis.triggers[t] as BackdoorTrigger;
    const rows = holders[k] ?? [];
    const before = rows.filter((r) => r < offset).length;
    const after = rows.length - before;
    if (after === 0 || before > INTRODUCED_SHARE * after) return;
    introduced.push(trigger);
    for (const row of rows) {
      if (row < offset || input.labels[row] !== trigger.label) continue;
      input.add(row, { check: 'introduced-trigger', detail: `holds ${JSON.stringify(trigger.ngram)}, tied to ${JSON.stringify(trigger.label)} in ${after} new rows and ${before} baseline rows: the batch would teach a new trigger` });
    }
  });
  return introduced;
}

/** New rows that near-duplicate accepted rows with another label. */
function labelFlips(input: { duplicates: DuplicateAnalysis; offset: number; labels: readonly (string | undefined)[]; nearJaccard: number; add: (row: number, reason: RowReason) => void }): void {
  const { duplicates, offset, labels } = input;
  const accepted = new Map<number, Map<string, number[]>>();
  const { edges } = duplicates;
  for (let e = 0; e < edges.count; e += 1) {
    if ((edges.jaccard[e] as number) < input.nearJaccard) continue;
    const a = edges.from[e] as number;
    const b = edges.to[e] as number;
    // Edges run from the smaller index, and baseline rows come first.
    if (a >= offset || b < offset) continue;
    const label = labels[a];
    if (label === undefined) continue;
    let byLabel = accepted.get(b);
    if (byLabel === undefined) {
      byLabel = new Map();
      accepted.set(b, byLabel);
    }
    byLabel.set(label, [...(byLabel.get(label) ?? []), a]);
  }
  for (const [row, byLabel] of accepted) {
    const own = labels[row];
    if (own === undefined || byLabel.has(own)) continue;
    const [label, rows] = [...byLabel.entries()].sort((x, y) => y[1].length - x[1].length)[0] as [string, number[]];
    const names = rows.slice(0, 3).map((r) => `baseline row ${r + 1}`).join(', ');
    input.add(row, { check: 'label-flip', detail: `labelled ${JSON.stringify(own)}, but the accepted near-duplicate ${names} is labelled ${JSON.stringify(label)}` });
  }
}

/** Injected instructions, secrets and personal data in the rows from `from` on; returns each row's secrets. */
function contentChecks(input: { texts: readonly string[]; from: number; scanner: InjectionScanner | undefined; add: (row: number, reason: RowReason) => void }): Map<number, SecretMatch[]> {
  const { texts, scanner, add } = input;
  const secretsOf = new Map<number, SecretMatch[]>();
  for (let row = input.from; row < texts.length; row += 1) {
    const text = texts[row] as string;
    const found = scanner?.scan(text);
    if (found !== undefined) add(row, { check: 'injected-instruction', detail: injectionDetail(found) });
    const secrets = findSecrets(text);
    if (secrets.length === 0) continue;
    secretsOf.set(row, secrets);
    for (const check of ['secret', 'pii'] as const) {
      const ofCheck = secrets.filter((s) => s.check === check);
      if (ofCheck.length > 0) add(row, { check, detail: ofCheck.map((s) => `${s.kind} (${s.severity}): ${s.preview}`).join('; ') });
    }
  }
  return secretsOf;
}

/** Clusters of near-duplicates among the current rows, the rows in them, and exact copies. */
function duplicateSummary(duplicates: DuplicateAnalysis, offset: number): ScanDataReport['nearDuplicates'] {
  const sizes = new Map<number, number>();
  let exactCopies = 0;
  for (let row = offset; row < duplicates.cluster.length; row += 1) {
    const root = duplicates.cluster[row] as number;
    sizes.set(root, (sizes.get(root) ?? 0) + 1);
    if ((duplicates.exactOf[row] as number) !== -1) exactCopies += 1;
  }
  let clusters = 0;
  let rows = 0;
  for (const size of sizes.values()) {
    if (size < 2) continue;
    clusters += 1;
    rows += size;
  }
  return { clusters, rows, exactCopies };
}

function injectionDetail(found: NonNullable<ReturnType<InjectionScanner['scan']>>): string {
  const parts: string[] = [];
  if (found.rules.length > 0) parts.push(`rules ${found.rules.join(', ')}`);
  if (found.classifier !== undefined) parts.push(`classifier: ${found.classifier.category}, risk ${found.classifier.risk.toFixed(3)}`);
  return parts.join('; ');
}

/**
 * Runs every check over `dataset` (and, with `baseline`, the continual-learning gate: the two
 * sets are analysed together, rows of the baseline are context and never reported).
 *
 * @example
 * const { report } = await scanDataset({ dataset: readDataset('train.jsonl') });
 * report.reasons['backdoor-trigger']; // rows flagged for a trigger
 */
export async function scanDataset(input: { readonly dataset: Dataset; readonly baseline?: Dataset; readonly options?: ScanOptions }): Promise<ScanResult> {
  const { dataset, baseline } = input;
  const options = input.options ?? {};
  if (baseline !== undefined && baseline.labelSource !== dataset.labelSource && baseline.labelSource !== 'none' && dataset.labelSource !== 'none') {
    throw new UserError('RAMPART_E_INPUT_INVALID', `The baseline's labels come from ${baseline.labelSource === 'field' ? `field "${baseline.labelField}"` : 'outputs'} but the new data's from ${dataset.labelSource === 'field' ? `field "${dataset.labelField}"` : 'outputs'}: they cannot be compared`);
  }
  const before: readonly DatasetRow[] = baseline?.rows ?? [];
  const offset = before.length;
  const rows: readonly DatasetRow[] = [...before, ...dataset.rows];
  const labelSource: LabelSource = dataset.labelSource === 'none' ? (baseline?.labelSource ?? 'none') : dataset.labelSource;
  const current = (row: number) => row >= offset;
  const rowName = (row: number) => (row < offset ? `baseline row ${row + 1}` : `row ${row - offset + 1}`);

  const texts = rows.map((row) => row.text);
  const labels = rows.map((row) => row.label);
  const inputs = labelSource === 'output' ? rows.map((row) => row.input) : texts;
  const { textIndex, buckets, duplicates, triggers: analysis } = await analyzeRows({
    texts,
    inputs,
    labels,
    ...(options.triggers === undefined ? {} : { triggers: options.triggers }),
    ...(options.duplicates === undefined ? {} : { duplicates: options.duplicates }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });

  const reasons = new Map<number, RowReason[]>();
  const add = (row: number, reason: RowReason): void => {
    if (!current(row)) return;
    const list = reasons.get(row);
    if (list === undefined) reasons.set(row, [reason]);
    else if (!list.some((r) => r.check === reason.check)) list.push(reason);
  };

  if (analysis !== undefined) triggerReasons({ analysis, current, add });
  const labelFindings = findLabelConflicts({ duplicates, labels, buckets, naiveBayes: analysis?.naiveBayes, rowName, compareLabels: labelSource === 'field' });
  for (const [row, list] of labelFindings) for (const finding of list) add(row, { check: finding.check, detail: finding.detail });

  const scanner = options.injection === false ? undefined : (options.injectionScanner ?? createInjectionScanner(options.injection));
  const secretsOf = contentChecks({ texts, from: offset, scanner, add });
  const outliers = findOutliers(texts);
  for (const [row, list] of outliers.findings) for (const finding of list) add(row, finding);

  let shift: ShiftReport | undefined;
  if (baseline !== undefined) {
    labelFlips({ duplicates, offset, labels, nearJaccard: options.duplicates?.nearDuplicateJaccard ?? NEAR_DUPLICATE_JACCARD, add });
    const introduced = analysis === undefined ? [] : introducedTriggers({ analysis, offset, labels, add });
    const lengths = Float64Array.from(texts, (text) => text.length);
    const classLabels = labelSource === 'field';
    shift = measureShift({
      baseline: { labels: classLabels ? labels.slice(0, offset) : undefined, lengths: lengths.subarray(0, offset), index: textIndex, from: 0, to: offset },
      current: { labels: classLabels ? labels.slice(offset) : undefined, lengths: lengths.subarray(offset), index: textIndex, from: offset, to: rows.length },
      introduced,
    });
  }

  const flaggedRows = [...reasons.keys()].sort((a, b) => a - b);
  const order = new Map(CHECKS.map((check, i) => [check, i]));
  const findings: RowFinding[] = flaggedRows.map((row) => ({
    row: row - offset + 1,
    line: (rows[row] as DatasetRow).line,
    reasons: [...(reasons.get(row) ?? [])].sort((a, b) => (order.get(a.check) ?? 0) - (order.get(b.check) ?? 0)),
    excerpt: excerpt(texts[row] as string, secretsOf.get(row) ?? []),
  }));
  const counts = Object.fromEntries(CHECKS.map((check) => [check, 0])) as Record<CheckName, number>;
  for (const finding of findings) for (const reason of finding.reasons) counts[reason.check] += 1;
  const report: ScanDataReport = {
    file: dataset.path,
    format: dataset.format,
    rows: dataset.rows.length,
    labelSource,
    labels: buckets.names.map((label, i) => ({ label, rows: buckets.rows[i] as number })),
    flagged: findings.length,
    reasons: counts,
    nearDuplicates: duplicateSummary(duplicates, offset),
    triggers: analysis?.triggers ?? [],
    triggersTested: analysis?.tested ?? 0,
    outliers: outliers.stats,
    ...(baseline === undefined ? {} : { baseline: { file: baseline.path, rows: baseline.rows.length } }),
    ...(shift === undefined ? {} : { shift }),
    findings,
    pass: findings.length === 0 && (shift?.pass ?? true),
  };
  return { report, flaggedRows: flaggedRows.map((row) => row - offset) };
}
