import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '@rampart/core';
import { SEVERITIES, highestSeverity, type FileReport, type ScanReport, type Severity } from './finding.js';
import { scanExitCode } from './scan-exit-code.js';
import { scanFile } from './scan-file.js';
import { DEFAULT_LIMITS, type ScanLimits } from './scan-limits.js';

export interface ScanModelOptions {
  /** Overrides of the scan limits (tests use small ones). */
  readonly limits?: Partial<ScanLimits>;
}

interface Candidate {
  readonly path: string;
  readonly link: boolean;
  readonly real: string;
}

/**
 * Scans a model file, or every model file under a folder, without loading or executing any of
 * them, and returns a report with a finding list per file and the exit code it implies. Files
 * that are no model format (README, tokenizer JSON) are skipped in a folder. Symbolic links are
 * not followed out of the folder (each is a finding); links to files inside it are scanned
 * under the link's name, and their targets not scanned twice.
 *
 * @example
 * const report = await scanModelPath('models/bert');
 * report.summary.exitCode // 0 clean, 1 critical/high, 3 warnings, 4 something unparsed
 */
export async function scanModelPath(path: string, options: ScanModelOptions = {}): Promise<ScanReport> {
  const limits: ScanLimits = { ...DEFAULT_LIMITS, ...options.limits };
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (cause) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `Cannot scan ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
  }
  const files: FileReport[] = [];
  let skipped = 0;
  if (!stats.isDirectory()) {
    const report = await scanFile(path, { ctx: { limits, filePath: path, root: dirname(resolve(path)) }, displayPath: path, explicit: true });
    if (report !== null) files.push(report);
  } else {
    const root = realpathSync(path);
    const walk = collect(path, { root, maxFiles: limits.maxFiles });
    files.push(...walk.outside);
    if (walk.truncated) {
      files.push({
        path,
        format: 'unknown',
        parsed: false,
        bytes: 0,
        findings: [{ severity: 'medium', rule: 'parse-error', message: `more than ${limits.maxFiles} files under this folder (scan limit): the rest were not scanned` }],
      });
    }
    skipped += walk.skipped;
    const linkedTargets = new Set(walk.candidates.filter((c) => c.link).map((c) => c.real));
    for (const candidate of walk.candidates) {
      if (!candidate.link && linkedTargets.has(candidate.real)) {
        skipped += 1;
        continue;
      }
      const report = await scanFile(candidate.path, { ctx: { limits, filePath: candidate.path, root }, displayPath: candidate.path, explicit: false });
      if (report === null) skipped += 1;
      else files.push(report);
    }
  }
  return { root: path, files, summary: summarize(files, skipped) };
}

function collect(top: string, opts: { root: string; maxFiles: number }): { candidates: Candidate[]; outside: FileReport[]; skipped: number; truncated: boolean } {
  const candidates: Candidate[] = [];
  const outside: FileReport[] = [];
  let skipped = 0;
  const pending = [top];
  let truncated = false;
  while (pending.length > 0) {
    if (candidates.length >= opts.maxFiles) {
      truncated = true;
      break;
    }
    const folder = pending.pop() as string;
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      skipped += 1;
      continue;
    }
    for (const name of names) {
      const path = join(folder, name);
      if (candidates.length >= opts.maxFiles) {
        truncated = true;
        break;
      }
      let stats: Stats;
      try {
        stats = lstatSync(path);
      } catch {
        skipped += 1;
        continue;
      }
      if (stats.isDirectory()) pending.push(path);
      else if (stats.isFile()) candidates.push({ path, link: false, real: realpathSync(path) });
      else if (stats.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(path);
        } catch {
          skipped += 1;
          continue;
        }
        const inside = relative(opts.root, real);
        if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
          outside.push({
            path,
            format: 'unknown',
            parsed: true,
            bytes: 0,
            findings: [{ severity: 'medium', rule: 'symlink-outside-root', message: `symbolic link to ${real}, outside the scanned folder: not followed (a loader would read that file)` }],
          });
        } else if (statSync(real).isFile()) {
          candidates.push({ path, link: true, real });
        } else {
          skipped += 1;
        }
      } else {
        skipped += 1;
      }
    }
  }
  candidates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { candidates, outside, skipped, truncated };
}

function summarize(files: readonly FileReport[], skipped: number): ScanReport['summary'] {
  const findings = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const file of files) for (const finding of file.findings) findings[finding.severity] += 1;
  return {
    files: files.length,
    unparsed: files.filter((f) => !f.parsed).length,
    skipped,
    findings,
    highest: highestSeverity(files.flatMap((f) => f.findings)),
    exitCode: scanExitCode(files),
  };
}
