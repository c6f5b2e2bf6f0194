import { describe, expect, it } from 'vitest';
import { aurocInterval, wilsonInterval } from './confidence-interval.js';

describe('wilsonInterval', () => {
  it('matches textbook values, including at 0 successes where the normal approximation collapses', () => {
    const none = wilsonInterval({ successes: 0, n: 10 });
    expect(none?.lower).toBe(0);
    expect(none?.upper).toBeCloseTo(0.2775, 4);
    const some = wilsonInterval({ successes: 220, n: 520 });
    expect(some?.lower).toBeCloseTo(0.3813, 4);
    expect(some?.upper).toBeCloseTo(0.466, 3);
    const all = wilsonInterval({ successes: 10, n: 10 });
    expect(all?.upper).toBeCloseTo(1, 12);
    expect(all?.lower).toBeCloseTo(0.7225, 4);
  });

  it('has no interval for impossible counts', () => {
    expect(wilsonInterval({ successes: 1, n: 0 })).toBeUndefined();
    expect(wilsonInterval({ successes: 11, n: 10 })).toBeUndefined();
  });
});

describe('aurocInterval', () => {
  it('uses the Hanley-McNeil standard error (A = 0.9, 50 + 50 cases: SE 0.0321)', () => {
    const interval = aurocInterval({ auroc: 0.9, positives: 50, negatives: 50 });
    expect(interval).toBeDefined();
    const se = ((interval?.upper ?? 0) - (interval?.lower ?? 0)) / 2 / 1.959964;
    expect(se).toBeCloseTo(0.0321, 4);
  });

  it('narrows with more data, stays inside [0, 1], and refuses a class with no rows', () => {
    const small = aurocInterval({ auroc: 0.88, positives: 100, negatives: 100 });
    const large = aurocInterval({ auroc: 0.88, positives: 2234, negatives: 2035 });
    expect((large?.upper ?? 1) - (large?.lower ?? 0)).toBeLessThan((small?.upper ?? 1) - (small?.lower ?? 0));
    expect(large?.lower).toBeCloseTo(0.8699, 3);
    expect(aurocInterval({ auroc: 1, positives: 3, negatives: 3 })).toEqual({ lower: 1, upper: 1 });
    expect(aurocInterval({ auroc: 0.99, positives: 5, negatives: 5 })?.upper).toBe(1);
    expect(aurocInterval({ auroc: 0.9, positives: 0, negatives: 5 })).toBeUndefined();
  });
});
