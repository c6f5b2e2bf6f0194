import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ClassifierReport } from './classifier-report.js';

/** Rampart's report lists every split's row ids (a few hundred KiB); far larger is not one. */
const MAX_REPORT_BYTES = 16 * 1024 * 1024;

/** A model file and the training report that describes it. */
export interface ClassifierReportMatch {
  readonly report: ClassifierReport;
  /** As shown to the user: relative to the model folder, or the file's own path. */
  readonly reportFile: string;
  readonly modelFile: string;
}

export interface FindClassifierReportInput {
  /** The model folder or file, symbolic links resolved. */
  readonly root: string;
  readonly rootIsFile: boolean;
  /** Every hashed file: relative POSIX path and SHA-256. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly digest: string }>;
}

/**
 * Looks for a Rampart classifier training report next to its model: `X.report.json` beside
 * `X.bin` (what `rampart train` writes), inside the folder, or beside the file when PATH is the
 * model file. The report is used only if its `modelSha256` equals the hash of that `.bin`: a report
 * of another training run would put another model's metrics in the BOM. Anything that stops the
 * report being used is a warning, never an error: the BOM is still right without it.
 *
 * @example
 * const { match, warnings } = await findClassifierReport({ root: '/m', rootIsFile: false, files });
 * match?.report.heldout.auroc // 0.88
 */
export async function findClassifierReport(input: FindClassifierReportInput): Promise<{ match?: ClassifierReportMatch; warnings: string[] }> {
  const candidates = input.rootIsFile ? beside(input) : inside(input);
  if (candidates.length === 0) return { warnings: [] };
  if (candidates.length > 1) {
    return { warnings: [`${candidates.length} classifier reports found (${candidates.map((c) => c.shown).join(', ')}); none used, pass --model-card instead.`] };
  }
  const candidate = candidates[0] as Candidate;
  const read = await readReport(candidate.absolute);
  // Beside a lone model file, no report is the usual case, not a problem.
  if ('absent' in read) return { warnings: input.rootIsFile ? [] : [`${candidate.shown}: disappeared while reading; not used.`] };
  if ('problem' in read) return { warnings: [`${candidate.shown}: ${read.problem}; its metrics and datasets are not used.`] };
  // The BOM lists the report's hash; the facts must come from those same bytes.
  if (candidate.reportDigest !== undefined && read.digest !== candidate.reportDigest) {
    return { warnings: [`${candidate.shown} changed while the BOM was being built; its metrics and datasets are not used.`] };
  }
  if (read.report.modelSha256 !== candidate.modelDigest) {
    return {
      warnings: [
        `${candidate.shown} describes another model (modelSha256 ${read.report.modelSha256}, but ${candidate.modelFile} has ${candidate.modelDigest}); its metrics and datasets are not used.`,
      ],
    };
  }
  return { match: { report: read.report, reportFile: candidate.shown, modelFile: candidate.modelFile }, warnings: [] };
}

interface Candidate {
  readonly absolute: string;
  readonly shown: string;
  readonly modelFile: string;
  readonly modelDigest: string;
  /** The report's SHA-256 as hashed for the BOM, when it lies inside the tree. */
  readonly reportDigest?: string;
}

function inside(input: FindClassifierReportInput): Candidate[] {
  const byPath = new Map(input.files.map((f) => [f.path, f.digest]));
  const found: Candidate[] = [];
  for (const file of input.files) {
    if (!file.path.endsWith('.bin')) continue;
    const reportPath = `${file.path.slice(0, -'.bin'.length)}.report.json`;
    const reportDigest = byPath.get(reportPath);
    if (reportDigest === undefined) continue;
    found.push({ absolute: join(input.root, ...reportPath.split('/')), shown: reportPath, modelFile: file.path, modelDigest: file.digest, reportDigest });
  }
  return found;
}

function beside(input: FindClassifierReportInput): Candidate[] {
  const model = input.files[0];
  if (model === undefined || !input.root.endsWith('.bin')) return [];
  const absolute = join(dirname(input.root), `${basename(input.root, '.bin')}.report.json`);
  return [{ absolute, shown: absolute, modelFile: model.path, modelDigest: model.digest }];
}

async function readReport(file: string): Promise<{ report: ClassifierReport; digest: string } | { problem: string } | { absent: true }> {
  let bytes: Buffer;
  try {
    const stats = await stat(file);
    if (!stats.isFile()) return { problem: 'not a regular file' };
    if (stats.size > MAX_REPORT_BYTES) return { problem: `${stats.size} bytes, more than a training report holds` };
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { absent: true };
    return { problem: `unreadable (${(error as Error).message})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { problem: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = ClassifierReport.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { problem: `not a Rampart training report (${first === undefined ? 'invalid' : `${first.path.join('.') || '(document)'}: ${first.message}`})` };
  }
  return { report: parsed.data, digest: createHash('sha256').update(bytes).digest('hex') };
}
