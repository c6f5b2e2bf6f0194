import type { BackdoorTrigger } from './backdoor-triggers.js';
import { CHECK_DESCRIPTIONS, CHECKS, type CheckName, type RowFinding, type ScanDataReport } from './scan-dataset.js';

/**
 * The scan as one self-contained HTML page: no scripts, no external styles, fonts or images, so
 * it opens offline and can be attached to a review. Every value from the data passes through
 * escapeHtml: training rows are attacker-controlled text, and a report that ran their markup
 * would hand the poisoner the reviewer's browser.
 */

/** Examples shown per check. */
const EXAMPLES = 10;

/**
 * Text made safe to place in HTML, between tags or in a quoted attribute.
 *
 * @example
 * escapeHtml('<script>'); // '&#60;script&#62;'
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;white-space:nowrap}code,.x{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
.x{white-space:pre-wrap;word-break:break-word}.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.muted{color:#57606a}
`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const header = `<tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  // Cells arrive escaped (some carry markup of our own, such as class names).
  return `<table>${header}${rows.map((cells) => `<tr>${cells.join('')}</tr>`).join('')}</table>`;
}

const cell = (value: unknown, className?: string): string => `<td${className === undefined ? '' : ` class="${className}"`}>${escapeHtml(value)}</td>`;

function pValue(log10P: number): string {
  return log10P > -3 ? (10 ** log10P).toPrecision(2) : `1e${Math.floor(log10P)}`;
}

function triggerTable(triggers: readonly BackdoorTrigger[]): string {
  if (triggers.length === 0) return '<p class="muted">No n-gram is significantly tied to one label.</p>';
  return table(
    ['n-gram', 'label or output', 'rows', 'with the label', 'base rate', 'adjusted p', 'rest of row disagrees', 'confirmed'],
    triggers.map((t) => [
      `<td class="x">${escapeHtml(t.ngram)}</td>`,
      `<td class="x">${escapeHtml(t.label)}</td>`,
      cell(t.rows, 'n'),
      cell(t.labelRows, 'n'),
      cell(`${Math.round(t.baseRate * 100)}%`, 'n'),
      cell(pValue(t.log10P), 'n'),
      cell(t.disagreeing, 'n'),
      t.confirmed ? '<td class="fail">trigger</td>' : cell('no (the rest of the row agrees)'),
    ]),
  );
}

function examples(findings: readonly RowFinding[], check: CheckName): string {
  const rows = findings.filter((f) => f.reasons.some((r) => r.check === check)).slice(0, EXAMPLES);
  return table(
    ['row', 'line', 'why', 'text'],
    rows.map((f) => [cell(f.row, 'n'), cell(f.line, 'n'), cell(f.reasons.find((r) => r.check === check)?.detail ?? ''), `<td class="x">${escapeHtml(f.excerpt)}</td>`]),
  );
}

/**
 * Renders the report.
 *
 * @example
 * writeFileSync('scan.html', renderHtmlReport(report));
 */
export function renderHtmlReport(report: ScanDataReport): string {
  const parts: string[] = [];
  const verdict = report.pass ? '<span class="pass">PASS</span>' : '<span class="fail">FAIL</span>';
  parts.push(`<h1>Training-data scan: ${escapeHtml(report.file)}</h1>`);
  parts.push(
    `<p>${verdict} — ${escapeHtml(report.rows)} rows (${escapeHtml(report.format)}), ${escapeHtml(report.flagged)} flagged. Labels: ${escapeHtml(
      report.labelSource === 'field' ? 'from a label field' : report.labelSource === 'output' ? 'the final assistant message (output)' : 'none',
    )}.${report.baseline === undefined ? '' : ` Baseline: ${escapeHtml(report.baseline.file)} (${escapeHtml(report.baseline.rows)} rows).`}</p>`,
  );
  parts.push('<h2>Summary</h2>');
  parts.push(table(['check', 'rows', 'what it means'], CHECKS.map((check) => [`<td><a href="#${check}">${escapeHtml(check)}</a></td>`, cell(report.reasons[check], 'n'), cell(CHECK_DESCRIPTIONS[check])])));
  parts.push(
    `<p>Near-duplicate clusters: ${escapeHtml(report.nearDuplicates.clusters)} (${escapeHtml(report.nearDuplicates.rows)} rows); exact copies: ${escapeHtml(report.nearDuplicates.exactCopies)}. Median length ${escapeHtml(
      report.outliers.medianLength,
    )} characters; script ${escapeHtml(report.outliers.script ?? 'mixed')}, language ${escapeHtml(report.outliers.language ?? 'mixed or undetermined')}.</p>`,
  );
  if (report.shift !== undefined) {
    parts.push('<h2>Distribution shift against the baseline</h2>');
    parts.push(
      table(
        ['check', 'result', 'statistic', 'p', 'threshold', 'detail'],
        report.shift.checks.map((c) => [
          cell(c.name),
          c.pass ? '<td class="pass">pass</td>' : '<td class="fail">fail</td>',
          cell(c.statistic.toPrecision(3), 'n'),
          cell(c.pValue === null ? '—' : c.pValue.toPrecision(2), 'n'),
          cell(c.threshold),
          cell(c.detail),
        ]),
      ),
    );
  }
  parts.push(`<h2>Backdoor triggers</h2><p class="muted">${escapeHtml(report.triggersTested)} n-grams tested (one-sided Fisher exact test, Bonferroni-corrected).</p>`);
  parts.push(triggerTable(report.triggers));
  for (const check of CHECKS) {
    if (report.reasons[check] === 0) continue;
    parts.push(`<h2 id="${check}">${escapeHtml(check)}: ${escapeHtml(report.reasons[check])} rows</h2><p>${escapeHtml(CHECK_DESCRIPTIONS[check])}</p>`);
    parts.push(examples(report.findings, check));
  }
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Rampart scan-data: ${escapeHtml(report.file)}</title><style>${STYLE}</style></head><body>\n${parts.join('\n')}\n</body></html>\n`;
}
