import { readFileSync } from 'node:fs';
import { auroc, offlinePrincipal, parseExamples, percentile, tprAtFpr, type LabeledExample } from '@rampart/core';
import { loadCliConfig, type GlobalOptions } from '../cli-config.js';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { offlineInspector } from '../offline-inspector.js';

/** Actions that count as "caught" (for malicious rows) or "refused" (for benign rows). */
const STOPPED = new Set(['review', 'block']);

export interface EvalReport {
  readonly n: number;
  readonly tpr: number;
  readonly fpr: number;
  readonly block_rate_benign: number;
  readonly auroc: number;
  readonly tpr_at_fpr_1: number;
  readonly tpr_at_fpr_5: number;
  readonly per_category: Record<string, { n: number; recall: number }>;
  readonly latency_us: { p50: number; p99: number };
}

/**
 * `rampart eval --data FILE.jsonl`: the full input pipeline and the configured policy (the
 * default one unless the config names another) for a `standard` caller, on every row.
 */
export async function evalCommand(io: CliIo, input: { global: GlobalOptions; opts: { data: string; json?: boolean } }): Promise<ExitCode> {
  const { global, opts } = input;
  let examples: LabeledExample[];
  try {
    examples = parseExamples(readFileSync(opts.data, 'utf8'), opts.data);
  } catch (error) {
    writeLine(io.stderr, `rampart eval: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  if (examples.length === 0) {
    writeLine(io.stderr, `rampart eval: ${opts.data} has no rows`);
    return 2;
  }
  const inspector = offlineInspector(loadCliConfig(io, global), undefined, (message) => writeLine(io.stderr, message));
  const principal = offlinePrincipal({ tier: 'standard' });
  const rows: { example: LabeledExample; action: string; risk: number }[] = [];
  const latencies: number[] = [];
  for (const example of examples) {
    const messages = (example.messages ?? [{ role: 'user', content: example.text }]).map((m) => ({ role: m.role, content: m.content, toolCallArguments: [] }));
    const started = process.hrtime.bigint();
    const { decision, outcome } = await inspector.inspect({ messages, principal, model: 'offline', purpose: undefined }, { holdForReview: false, shadow: false });
    latencies.push(Number(process.hrtime.bigint() - started) / 1000);
    // The classifier's score (0 when the layer is off or never scored the request).
    rows.push({ example, action: decision.action, risk: outcome.maxScore });
  }
  const report = summarize(rows, latencies);
  if (opts.json === true) {
    writeJson(io.stdout, report);
    return 0;
  }
  const pct = (v: number): string => (Number.isNaN(v) ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  writeLine(io.stdout, `rows: ${report.n} (${rows.filter((r) => r.example.label === 'malicious').length} malicious)`);
  writeLine(io.stdout, `TPR (malicious → review/block): ${pct(report.tpr)}   FPR (benign → review/block): ${pct(report.fpr)}   benign blocked: ${pct(report.block_rate_benign)}`);
  writeLine(io.stdout, `classifier AUROC: ${Number.isNaN(report.auroc) ? 'n/a' : report.auroc.toFixed(4)}   TPR at 1% FPR: ${pct(report.tpr_at_fpr_1)}   at 5% FPR: ${pct(report.tpr_at_fpr_5)}`);
  writeLine(io.stdout, `latency per row: p50 ${report.latency_us.p50.toFixed(0)} µs, p99 ${report.latency_us.p99.toFixed(0)} µs`);
  const categories = Object.entries(report.per_category);
  if (categories.length > 0) {
    writeLine(io.stdout, 'recall per category:');
    for (const [category, { n, recall }] of categories) writeLine(io.stdout, `  ${category.padEnd(34)} ${pct(recall).padStart(6)}  (n=${n})`);
  }
  return 0;
}

export function summarize(rows: readonly { example: LabeledExample; action: string; risk: number }[], latencies: readonly number[]): EvalReport {
  const malicious = rows.filter((r) => r.example.label === 'malicious');
  const benign = rows.filter((r) => r.example.label === 'benign');
  const share = (part: number, whole: number): number => (whole === 0 ? NaN : part / whole);
  const perCategory: Record<string, { n: number; recall: number }> = {};
  const byCategory = new Map<string, { n: number; caught: number }>();
  for (const r of malicious) {
    const key = r.example.category === '' ? '(none)' : r.example.category;
    const entry = byCategory.get(key) ?? { n: 0, caught: 0 };
    entry.n += 1;
    if (STOPPED.has(r.action)) entry.caught += 1;
    byCategory.set(key, entry);
  }
  for (const [category, { n, caught }] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) perCategory[category] = { n, recall: caught / n };
  const scores = rows.map((r) => r.risk);
  const labels = rows.map((r) => r.example.label === 'malicious');
  return {
    n: rows.length,
    tpr: share(malicious.filter((r) => STOPPED.has(r.action)).length, malicious.length),
    fpr: share(benign.filter((r) => STOPPED.has(r.action)).length, benign.length),
    block_rate_benign: share(benign.filter((r) => r.action === 'block').length, benign.length),
    auroc: auroc(scores, labels),
    tpr_at_fpr_1: tprAtFpr(scores, labels, 0.01),
    tpr_at_fpr_5: tprAtFpr(scores, labels, 0.05),
    per_category: perCategory,
    latency_us: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
  };
}
