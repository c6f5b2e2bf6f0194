import { describe, expect, it } from 'vitest';
import { auroc, percentile, reliability, tprAtFpr } from './metrics.js';

// Hand-checked: malicious scores 0.9 and 0.3, benign 0.2 and 0.4. Of the four (malicious,
// benign) pairs, three rank the malicious one higher: AUROC 0.75.
const scores = [0.9, 0.2, 0.4, 0.3];
const labels = [true, false, false, true];

describe('classifier metrics', () => {
  it('AUROC by ranks, ties counting half', () => {
    expect(auroc(scores, labels)).toBeCloseTo(0.75, 10);
    expect(auroc([0.5, 0.5], [true, false])).toBeCloseTo(0.5, 10);
    expect(auroc([1, 0], [true, true])).toBeNaN();
  });

  it('TPR at a false-positive budget: the threshold sits above every benign score it may not pass', () => {
    // With 2 benign rows, a 1% or 5% budget allows none above the threshold: only 0.9 passes 0.4.
    expect(tprAtFpr(scores, labels, 0.01)).toBe(0.5);
    expect(tprAtFpr(scores, labels, 0.05)).toBe(0.5);
    // A 50% budget allows one benign row (0.4) through: the threshold drops above 0.2.
    expect(tprAtFpr(scores, labels, 0.5)).toBe(1);
  });

  it('percentiles by nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 99)).toBe(5);
  });

  it('reliability bins and expected calibration error', () => {
    const { bins, ece } = reliability([0.1, 0.1, 0.9, 0.9], [false, false, true, false], 2);
    expect(bins).toEqual([
      { from: 0, to: 0.5, n: 2, meanPredicted: 0.1, observed: 0 },
      { from: 0.5, to: 1, n: 2, meanPredicted: 0.9, observed: 0.5 },
    ]);
    expect(ece).toBeCloseTo(0.5 * 0.1 + 0.5 * 0.4, 10);
  });
});
