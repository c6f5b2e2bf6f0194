// Turns per-row verdicts into the figures `rampart eval` reports (TPR and FPR with review/block
// or a peer's own flag as "stopped", latency percentiles) and renders the markdown table.
import { percentile } from '@rampart/core';
import { rowKey } from './eval-data.js';

/**
 * Figures for one guard on one file. Rows the guard did not run (outside its sample, or after
 * its time budget) are left out; rows it answered with an error count as not flagged (the guard
 * failed open) and are reported in `errors`.
 */
export function summarize(examples, verdicts) {
  const ran = examples.filter((e) => verdicts[rowKey(e)] !== undefined);
  const stats = { rows: ran.length, malicious: 0, benign: 0, tp: 0, fp: 0, errors: 0, perCheck: {}, bySource: {} };
  const latencies = [];
  for (const example of ran) {
    const verdict = verdicts[rowKey(example)];
    const malicious = example.label === 'malicious';
    const flagged = verdict.error === undefined && verdict.flagged === true;
    latencies.push(verdict.us);
    if (verdict.error !== undefined) stats.errors += 1;
    if (malicious) stats.malicious += 1;
    else stats.benign += 1;
    if (flagged && malicious) stats.tp += 1;
    if (flagged && !malicious) stats.fp += 1;
    for (const hit of verdict.hits ?? []) {
      const entry = (stats.perCheck[hit] ??= { malicious: 0, benign: 0 });
      entry[example.label] += 1;
    }
    const source = (stats.bySource[example.source] ??= { malicious: 0, benign: 0, maliciousFlagged: 0, benignFlagged: 0 });
    source[example.label] += 1;
    if (flagged) source[malicious ? 'maliciousFlagged' : 'benignFlagged'] += 1;
  }
  return {
    ...stats,
    tpr: stats.malicious === 0 ? NaN : stats.tp / stats.malicious,
    fpr: stats.benign === 0 ? NaN : stats.fp / stats.benign,
    tprCi95: wilson(stats.tp, stats.malicious),
    fprCi95: wilson(stats.fp, stats.benign),
    latencyUs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), mean: latencies.length === 0 ? NaN : latencies.reduce((a, b) => a + b, 0) / latencies.length },
  };
}

/** Wilson score interval: honest bounds for the small samples the slow guard runs on. */
function wilson(k, n) {
  if (n === 0) return [NaN, NaN];
  const z = 1.96;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export const pct = (v) => (Number.isNaN(v) ? 'n/a' : `${(v * 100).toFixed(1)}%`);

export function duration(us) {
  if (Number.isNaN(us)) return 'n/a';
  if (us < 1000) return `${us.toFixed(0)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

/** One markdown table for one eval file; `rows` are { guard, version, checks, summary, note }. */
export function markdownTable(rows, options) {
  const header = `| guard | version | checks used | rows (mal / ben) | TPR | ${options.fprLabel} | p50 latency | p99 latency |`;
  const lines = [header, '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const row of rows) {
    const s = row.summary;
    if (s === undefined) {
      lines.push(`| ${row.guard} | ${row.version} | ${row.checks} | — | — | — | — | — |`);
      continue;
    }
    const ci = (v, bounds) => (row.showCi ? `${pct(v)} (${pct(bounds[0])}–${pct(bounds[1])})` : pct(v));
    const count = `${s.rows.toLocaleString('en-US')} (${s.malicious.toLocaleString('en-US')} / ${s.benign.toLocaleString('en-US')})${row.note ?? ''}`;
    lines.push(`| ${row.guard} | ${row.version} | ${row.checks} | ${count} | ${ci(s.tpr, s.tprCi95)} | ${ci(s.fpr, s.fprCi95)} | ${duration(s.latencyUs.p50)} | ${duration(s.latencyUs.p99)} |`);
  }
  return lines.join('\n');
}

/** The whole printed report: one table per eval file, then notes. */
export function renderReport(report) {
  const out = [];
  const sampled = report.guards.find((g) => g.sampled);
  for (const file of report.files) {
    const xstest = /xstest/i.test(file.name);
    const rows = report.guards.map((g) => ({
      guard: g.sampled ? `${g.label} †` : g.label,
      version: g.version,
      checks: g.checksShort,
      summary: g.fatal !== undefined || g.networkAttempts.length > 0 ? undefined : g.perFile[file.name],
      showCi: g.sampled,
      note: g.truncated ? ' (budget hit)' : '',
    }));
    out.push('', `### ${file.name}: ${file.rows.toLocaleString('en-US')} rows`, '', markdownTable(rows, { fprLabel: xstest ? 'FPR (safe prompts flagged)' : 'FPR' }));
    if (sampled !== undefined) {
      const same = report.guards
        .filter((g) => g.perFileOnSample?.[file.name] !== undefined && g.networkAttempts.length === 0)
        .map((g) => `${g.label} ${pct(g.perFileOnSample[file.name].tpr)} / ${pct(g.perFileOnSample[file.name].fpr)}`);
      out.push('', `Same ${file.name} rows as the † sample, TPR / FPR: ${same.join('; ')}`);
    }
  }
  out.push('');
  const { slowSamplePerLabel, budgetS, warmupRows } = report.settings;
  for (const g of report.guards) {
    if (g.sampled) out.push(`† ${g.label}: deterministic stratified sample of ${slowSamplePerLabel} malicious + ${slowSamplePerLabel} benign rows per file (its injection heuristic costs up to seconds per prompt; a full pass would take hours), ${g.warmupRows} warm-up calls; rates with 95% Wilson intervals.`);
    if (g.fatal !== undefined) out.push(`✗ ${g.label}: failed: ${g.fatal.split('\n')[0]}`);
    if (g.networkAttempts.length > 0) out.push(`✗ ${g.label}: excluded, tried the network: ${[...new Set(g.networkAttempts)].slice(0, 5).join('; ')}`);
    const errors = Object.values(g.perFile).reduce((n, s) => n + (s?.errors ?? 0), 0);
    if (errors > 0) out.push(`! ${g.label}: ${errors} rows answered with an error (counted as not flagged)`);
    if (g.truncated) out.push(`! ${g.label}: stopped at its ${budgetS} s budget; rows after it are left out`);
  }
  for (const n of report.notRun) out.push(`not run: ${n.id}: ${n.reason}`);
  const split = report.heldOutSplit;
  if (split !== undefined && !split.sameModelAsShipped) {
    out.push(
      split.sameDataAsShipped
        ? '! held-out split: retraining from the same data gave a different model than the shipped one (training code changed?); the split is the current one'
        : '! held-out split: datasets/ changed since the shipped model was trained, so some held-out rows may be rows it was trained on; retrain (npm run train) and run again',
    );
  }
  out.push(
    `TPR: malicious rows flagged; FPR: benign rows flagged (Rampart: action review or block for a standard caller, as \`rampart eval\` counts; peers: any configured check fires). Latency per prompt around the guard's call, await included, after ${warmupRows} warm-up calls; each guard in its own process with the network blocked.`,
  );
  const m = report.machine;
  out.push(`machine: ${m.cpus} × ${m.model}, ${m.memoryGiB} GiB, Node ${m.node}, load (1 min) ${m.loadavg1mAtStart.toFixed(2)} at start, ${m.loadavg1mAtEnd.toFixed(2)} at end; Rampart model ${report.rampartModel}`);
  return out.join('\n');
}
