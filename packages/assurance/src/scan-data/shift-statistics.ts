/**
 * The statistics behind the continual-learning gate: chi-square test of homogeneity, two-sample
 * Kolmogorov–Smirnov test and Jensen–Shannon divergence. Textbook definitions, written out here
 * because the numbers decide whether a pipeline stops.
 */

/** Lanczos approximation of log Γ(x), x > 0 (g = 7, nine coefficients). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0] as number;
  for (let i = 1; i < 9; i += 1) sum += (c[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Regularized upper incomplete gamma Q(a, x): a series below a + 1, a continued fraction above.
 *
 * @example
 * upperGammaRegularized(1, 5.9915 / 2); // ≈ 0.05: the chi-square (2 df) 5% critical value
 */
export function upperGammaRegularized(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n += 1) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * front);
  }
  // Modified Lentz evaluation of the continued fraction.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, front * h);
}

export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
  /** Effect size: Cramér's V for chi-square, D itself for KS. */
  readonly effect: number;
}

/**
 * Chi-square test of homogeneity of two count vectors over the same categories (categories empty
 * in both are dropped).
 *
 * @example
 * chiSquareHomogeneity([50, 50], [90, 10]).pValue < 0.001; // true
 */
export function chiSquareHomogeneity(a: readonly number[], b: readonly number[]): TestResult {
  const totalA = a.reduce((s, x) => s + x, 0);
  const totalB = b.reduce((s, x) => s + x, 0);
  const total = totalA + totalB;
  let statistic = 0;
  let categories = 0;
  for (let i = 0; i < a.length; i += 1) {
    const column = (a[i] ?? 0) + (b[i] ?? 0);
    if (column === 0) continue;
    categories += 1;
    const expectA = (column * totalA) / total;
    const expectB = (column * totalB) / total;
    statistic += ((a[i] ?? 0) - expectA) ** 2 / expectA + ((b[i] ?? 0) - expectB) ** 2 / expectB;
  }
  if (categories < 2 || totalA === 0 || totalB === 0) return { statistic: 0, pValue: 1, effect: 0 };
  const df = categories - 1;
  return { statistic, pValue: upperGammaRegularized(df / 2, statistic / 2), effect: Math.sqrt(statistic / total) };
}

/** Kolmogorov's limiting distribution: P(K > λ). */
function kolmogorovTail(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j += 1) {
    const term = 2 * (j % 2 === 1 ? 1 : -1) * Math.exp(-2 * j * j * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/**
 * Two-sample Kolmogorov–Smirnov test: D, the largest gap between the empirical distribution
 * functions, and its asymptotic p-value (with Stephens' small-sample correction).
 *
 * @example
 * twoSampleKs([1, 2, 3], [1, 2, 3]).statistic; // 0
 */
export function twoSampleKs(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  if (x.length === 0 || y.length === 0) return { statistic: 0, pValue: 1, effect: 0 };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const value = Math.min(x[i] as number, y[j] as number);
    while (i < x.length && x[i] === value) i += 1;
    while (j < y.length && y[j] === value) j += 1;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const n = (x.length * y.length) / (x.length + y.length);
  const sqrtN = Math.sqrt(n);
  return { statistic: d, pValue: kolmogorovTail((sqrtN + 0.12 + 0.11 / sqrtN) * d), effect: d };
}

/**
 * Jensen–Shannon divergence, in bits (0 = same distribution, 1 = disjoint), of two count vectors
 * over the same categories.
 *
 * @example
 * jensenShannonBits([1, 0], [0, 1]); // 1
 */
export function jensenShannonBits(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let totalA = 0;
  let totalB = 0;
  for (let i = 0; i < a.length; i += 1) totalA += a[i] as number;
  for (let i = 0; i < b.length; i += 1) totalB += b[i] as number;
  if (totalA === 0 || totalB === 0) return 0;
  let divergence = 0;
  for (let i = 0; i < a.length; i += 1) {
    const p = (a[i] as number) / totalA;
    const q = (b[i] as number) / totalB;
    const m = (p + q) / 2;
    if (p > 0) divergence += 0.5 * p * Math.log2(p / m);
    if (q > 0) divergence += 0.5 * q * Math.log2(q / m);
  }
  return Math.max(0, Math.min(1, divergence));
}
