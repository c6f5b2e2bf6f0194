import type { Dataset, DatasetRow } from './read-dataset.js';
import type { RowFinding } from './scan-dataset.js';

/**
 * A quarantined row: its original fields, then `reasons`. A row that already had a `reasons`
 * field keeps it as `reasons_original`, so nothing of the row is lost.
 *
 * @example
 * quarantineRow(row, [{ check: 'secret', detail: 'aws-access-key-id (high): AKIA… (20 chars)' }]);
 */
export function quarantineRow(row: DatasetRow, reasons: RowFinding['reasons']): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row.fields };
  if (Object.hasOwn(out, 'reasons')) out.reasons_original = out.reasons;
  out.reasons = reasons.map((reason) => ({ check: reason.check, detail: reason.detail }));
  return out;
}

/**
 * The rows with no finding, in the input's own format: JSONL lines or CSV records exactly as
 * written (a CSV keeps its header).
 *
 * @example
 * writeFileSync('clean.jsonl', formatCleanRows({ dataset, flaggedRows }));
 */
export function formatCleanRows(input: { readonly dataset: Dataset; readonly flaggedRows: readonly number[] }): string {
  const { dataset } = input;
  const flagged = new Set(input.flaggedRows);
  const parts: string[] = [dataset.header];
  dataset.rows.forEach((row, i) => {
    if (flagged.has(i)) return;
    parts.push(row.raw.endsWith('\n') ? row.raw : `${row.raw}\n`);
  });
  return parts.join('');
}

/**
 * The flagged rows as JSONL (whatever the input format): original fields plus `reasons`, an
 * array of `{ check, detail }`.
 *
 * @example
 * writeFileSync('quarantine.jsonl', formatQuarantineRows({ dataset, findings: report.findings }));
 */
export function formatQuarantineRows(input: { readonly dataset: Dataset; readonly findings: readonly RowFinding[] }): string {
  const { dataset } = input;
  return input.findings.map((finding) => `${JSON.stringify(quarantineRow(dataset.rows[finding.row - 1] as DatasetRow, finding.reasons))}\n`).join('');
}
