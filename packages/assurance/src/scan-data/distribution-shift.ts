import type { BackdoorTrigger } from './backdoor-triggers.js';
import { chiSquareHomogeneity, jensenShannonBits, twoSampleKs } from './shift-statistics.js';
import type { TokenIndex } from './token-index.js';

/**
 * Distribution shift between accepted data (the baseline) and a new batch: the continual-
 * learning gate. A batch that moves the label balance, the length profile or the vocabulary, or
 * brings a new trigger, changes what the next model learns. Significance alone is not enough at
 * these sample sizes (10,000 rows make a trivial shift significant), so each test also needs an
 * effect size past a threshold.
 */
export type ShiftCheckName = 'label-distribution' | 'length-distribution' | 'vocabulary' | 'trigger-introduction';

export interface ShiftCheck {
  readonly name: ShiftCheckName;
  readonly pass: boolean;
  readonly statistic: number;
  readonly pValue: number | null;
  /** Cramér's V (labels), D (lengths), JSD in bits (vocabulary), trigger count. */
  readonly effect: number;
  /** When the check fails, in words. */
  readonly threshold: string;
  readonly detail: string;
}

export interface ShiftReport {
  readonly pass: boolean;
  readonly checks: readonly ShiftCheck[];
}

export const SHIFT_THRESHOLDS = {
  /** Significance level of the chi-square and KS tests. */
  alpha: 0.001,
  /** Smallest Cramér's V of a label shift that fails the gate. */
  minCramersV: 0.1,
  /** Smallest KS D of a length shift that fails the gate. */
  minLengthD: 0.1,
  /** Smallest relative change of the median or 90th-percentile length that fails the gate. */
  minLengthChange: 0.25,
  /** Largest Jensen–Shannon divergence (bits) of the token distributions that passes. */
  maxVocabularyJsd: 0.1,
  /** Tokens seen fewer times than this (both sides together) are pooled into one "rare" bin. */
  minTokenCount: 5,
} as const;

export interface ShiftSide {
  /** Labels per row; undefined when labels are outputs (no label test). */
  readonly labels: readonly (string | undefined)[] | undefined;
  readonly lengths: ArrayLike<number>;
  readonly index: TokenIndex;
  /** Rows of `index` that belong to this side. */
  readonly from: number;
  readonly to: number;
}

function labelCheck(baseline: ShiftSide, current: ShiftSide): ShiftCheck {
  if (baseline.labels === undefined || current.labels === undefined) {
    return { name: 'label-distribution', pass: true, statistic: 0, pValue: null, effect: 0, threshold: 'not applicable', detail: 'labels are model outputs, not classes: no label test' };
  }
  const names = [...new Set([...baseline.labels, ...current.labels].filter((l): l is string => l !== undefined))].sort();
  const count = (labels: readonly (string | undefined)[]) => names.map((name) => labels.filter((l) => l === name).length);
  const a = count(baseline.labels);
  const b = count(current.labels);
  const result = chiSquareHomogeneity(a, b);
  const pass = !(result.pValue < SHIFT_THRESHOLDS.alpha && result.effect >= SHIFT_THRESHOLDS.minCramersV);
  const share = (counts: number[], i: number) => {
    const total = counts.reduce((s, x) => s + x, 0);
    return total === 0 ? 0 : Math.round((100 * (counts[i] ?? 0)) / total);
  };
  const detail = names.map((name, i) => `${JSON.stringify(name)} ${share(a, i)}% → ${share(b, i)}%`).join(', ');
  return {
    name: 'label-distribution',
    pass,
    statistic: result.statistic,
    pValue: result.pValue,
    effect: result.effect,
    threshold: `fails when p < ${SHIFT_THRESHOLDS.alpha} and Cramér's V ≥ ${SHIFT_THRESHOLDS.minCramersV}`,
    detail,
  };
}

/** The q-quantile (0–1) of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

function lengthCheck(baseline: ShiftSide, current: ShiftSide): ShiftCheck {
  const result = twoSampleKs(baseline.lengths, current.lengths);
  const before = Float64Array.from(baseline.lengths).sort();
  const after = Float64Array.from(current.lengths).sort();
  // KS alone calls a one-character shift of very uniform rows significant: the typical or the
  // long rows must also change by a quarter.
  const ratio = (q: number) => Math.abs(Math.log((quantile(after, q) + 1) / (quantile(before, q) + 1)));
  const material = Math.max(ratio(0.5), ratio(0.9)) >= Math.log(1 + SHIFT_THRESHOLDS.minLengthChange);
  return {
    name: 'length-distribution',
    pass: !(result.pValue < SHIFT_THRESHOLDS.alpha && result.effect >= SHIFT_THRESHOLDS.minLengthD && material),
    statistic: result.statistic,
    pValue: result.pValue,
    effect: result.effect,
    threshold: `fails when p < ${SHIFT_THRESHOLDS.alpha}, KS D ≥ ${SHIFT_THRESHOLDS.minLengthD} and the median or 90th-percentile length changes by ${SHIFT_THRESHOLDS.minLengthChange * 100}% or more`,
    detail: `median length ${quantile(before, 0.5)} → ${quantile(after, 0.5)}, 90th percentile ${quantile(before, 0.9)} → ${quantile(after, 0.9)} characters`,
  };
}

function vocabularyCheck(baseline: ShiftSide, current: ShiftSide): ShiftCheck {
  const counts = new Map<number, [number, number]>();
  const tally = (side: ShiftSide, which: 0 | 1) => {
    const { index } = side;
    for (let i = index.offsets[side.from] as number; i < (index.offsets[side.to] as number); i += 1) {
      const token = index.tokens[i] as number;
      let pair = counts.get(token);
      if (pair === undefined) {
        pair = [0, 0];
        counts.set(token, pair);
      }
      pair[which] += 1;
    }
  };
  tally(baseline, 0);
  tally(current, 1);
  const a: number[] = [0];
  const b: number[] = [0];
  for (const [x, y] of counts.values()) {
    if (x + y < SHIFT_THRESHOLDS.minTokenCount) {
      a[0] = (a[0] as number) + x;
      b[0] = (b[0] as number) + y;
    } else {
      a.push(x);
      b.push(y);
    }
  }
  const jsd = jensenShannonBits(a, b);
  return {
    name: 'vocabulary',
    pass: jsd <= SHIFT_THRESHOLDS.maxVocabularyJsd,
    statistic: jsd,
    pValue: null,
    effect: jsd,
    threshold: `fails when the Jensen–Shannon divergence of token frequencies > ${SHIFT_THRESHOLDS.maxVocabularyJsd} bits`,
    detail: `${a.length - 1} tokens seen ${SHIFT_THRESHOLDS.minTokenCount}+ times compared`,
  };
}

function triggerCheck(introduced: readonly BackdoorTrigger[]): ShiftCheck {
  return {
    name: 'trigger-introduction',
    pass: introduced.length === 0,
    statistic: introduced.length,
    pValue: null,
    effect: introduced.length,
    threshold: 'fails when the new data brings a confirmed trigger the baseline does not hold',
    detail: introduced.length === 0 ? 'no new trigger' : introduced.map((t) => `${JSON.stringify(t.ngram)} → ${JSON.stringify(t.label)}`).join(', '),
  };
}

/**
 * Compares a new batch with its baseline.
 *
 * @example
 * const shift = measureShift({ baseline, current, introduced: [] });
 * shift.pass; // false when any check fails
 */
export function measureShift(input: { readonly baseline: ShiftSide; readonly current: ShiftSide; readonly introduced: readonly BackdoorTrigger[] }): ShiftReport {
  const checks = [labelCheck(input.baseline, input.current), lengthCheck(input.baseline, input.current), vocabularyCheck(input.baseline, input.current), triggerCheck(input.introduced)];
  return { pass: checks.every((check) => check.pass), checks };
}
