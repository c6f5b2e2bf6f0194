/**
 * Classifier metrics, shared by training reports and `rampart eval`. Scores are "higher means
 * more likely malicious"; labels are true for malicious.
 */

/** Area under the ROC curve (ties count half), by the rank-sum formula. */
export function auroc(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores.map((score, i) => ({ score, positive: labels[i] === true })).sort((a, b) => a.score - b.score);
  const positives = order.filter((o) => o.positive).length;
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]?.score === order[i]?.score) j += 1;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k += 1) if (order[k]?.positive === true) rankSum += averageRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * True-positive rate at the strictest threshold whose false-positive rate is at most
 * `maxFpr` (flagging means score ≥ threshold).
 */
export function tprAtFpr(scores: readonly number[], labels: readonly boolean[], maxFpr: number): number {
  const negatives = scores.filter((_, i) => labels[i] !== true).sort((a, b) => b - a);
  const positives = scores.filter((_, i) => labels[i] === true);
  if (negatives.length === 0 || positives.length === 0) return NaN;
  // The number of negatives allowed above the threshold; the threshold sits just above the next one.
  const allowed = Math.floor(maxFpr * negatives.length + 1e-9);
  const cut = negatives[allowed];
  const flagged = positives.filter((s) => (cut === undefined ? true : s > cut)).length;
  return flagged / positives.length;
}

/** Quantile by nearest rank (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface ReliabilityBin {
  readonly from: number;
  readonly to: number;
  readonly n: number;
  readonly meanPredicted: number;
  readonly observed: number;
}

/** Reliability diagram in `bins` equal-width bins, and the expected calibration error. */
export function reliability(probabilities: readonly number[], labels: readonly boolean[], bins = 10): { bins: ReliabilityBin[]; ece: number } {
  const out: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < bins; b += 1) {
    const from = b / bins;
    const to = (b + 1) / bins;
    const members = probabilities.map((p, i) => ({ p, y: labels[i] === true })).filter(({ p }) => p >= from && (b === bins - 1 ? p <= to : p < to));
    if (members.length === 0) continue;
    const meanPredicted = members.reduce((s, m) => s + m.p, 0) / members.length;
    const observed = members.filter((m) => m.y).length / members.length;
    out.push({ from, to, n: members.length, meanPredicted, observed });
    ece += (members.length / probabilities.length) * Math.abs(meanPredicted - observed);
  }
  return { bins: out, ece };
}
