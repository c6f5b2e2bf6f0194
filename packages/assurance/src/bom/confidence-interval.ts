/** A two-sided interval, both ends clamped to [0, 1]. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959964;

/**
 * Wilson score interval for a proportion (95%). Unlike the normal approximation it stays inside
 * [0, 1] and is sensible at 0 or n successes, which per-source detection rates often are.
 *
 * @example
 * wilsonInterval({ successes: 220, n: 520 }) // { lower: 0.381, upper: 0.466 } (rounded)
 */
export function wilsonInterval(count: { successes: number; n: number }): Interval | undefined {
  const { successes, n } = count;
  if (!(n > 0) || successes < 0 || successes > n) return undefined;
  const p = successes / n;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z95 / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return clamp(centre - half, centre + half);
}

/**
 * 95% interval for an AUROC from the Hanley–McNeil (1982) standard error, which needs only the
 * AUROC and the two class sizes: what a training report keeps.
 *
 * @example
 * aurocInterval({ auroc: 0.88, positives: 2234, negatives: 2035 }) // { lower: 0.870, upper: 0.890 } (rounded)
 */
export function aurocInterval(input: { auroc: number; positives: number; negatives: number }): Interval | undefined {
  const { auroc: a, positives, negatives } = input;
  if (!(positives > 0 && negatives > 0) || !(a >= 0 && a <= 1)) return undefined;
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const variance = (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (positives * negatives);
  const se = Math.sqrt(Math.max(0, variance));
  return clamp(a - Z95 * se, a + Z95 * se);
}

function clamp(lower: number, upper: number): Interval {
  return { lower: Math.max(0, lower), upper: Math.min(1, upper) };
}
