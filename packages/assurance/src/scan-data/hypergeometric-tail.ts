/**
 * log(n!) for n = 0..max, by summing logs once.
 *
 * @example
 * logFactorials(3)[3]; // Math.log(6)
 */
export function logFactorials(max: number): Float64Array {
  const table = new Float64Array(max + 1);
  for (let n = 2; n <= max; n += 1) table[n] = (table[n - 1] as number) + Math.log(n);
  return table;
}

export interface HypergeometricDraw {
  /** Population size N. */
  readonly population: number;
  /** Members of the population with the property, K. */
  readonly successes: number;
  /** Sample size n. */
  readonly draws: number;
  /** Members of the sample with the property, k. */
  readonly observed: number;
}

/**
 * log10 of P(X ≥ k) for X ~ Hypergeometric(N, K, n): the one-sided Fisher exact test of "the
 * sample holds more of the property than chance". In log10 because the p-values of a planted
 * trigger (40 rows, all one label of three) are around 1e-20 and beyond, where a plain double
 * would still cope but products with the multiple-testing factor would not read well.
 * `logFact` must cover N (see logFactorials).
 *
 * @example
 * const lf = logFactorials(100);
 * 10 ** hypergeometricUpperTailLog10({ population: 100, successes: 50, draws: 10, observed: 10 }, lf); // ≈ 5.9e-4
 */
export function hypergeometricUpperTailLog10(draw: HypergeometricDraw, logFact: Float64Array): number {
  const { population: N, successes: K, draws: n, observed: k } = draw;
  const upper = Math.min(n, K);
  const lower = Math.max(0, n - (N - K));
  if (k <= lower) return 0;
  if (k > upper) return -Infinity;
  const lf = (x: number): number => logFact[x] as number;
  const logFirst = lf(K) - lf(k) - lf(K - k) + (lf(N - K) - lf(n - k) - lf(N - K - n + k)) - (lf(N) - lf(n) - lf(N - n));
  // Terms relative to the first, by the ratio of consecutive terms; they fall fast in the tail.
  let sum = 1;
  let term = 1;
  for (let x = k; x < upper; x += 1) {
    term *= ((K - x) * (n - x)) / ((x + 1) * (N - K - n + x + 1));
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.min(0, (logFirst + Math.log(sum)) / Math.LN10);
}
