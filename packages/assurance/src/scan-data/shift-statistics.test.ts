import { describe, expect, it } from 'vitest';
import { measureShift, SHIFT_THRESHOLDS } from './distribution-shift.js';
import { chiSquareHomogeneity, jensenShannonBits, twoSampleKs, upperGammaRegularized } from './shift-statistics.js';
import { buildTokenIndex } from './token-index.js';

describe('shift statistics', () => {
  it('upper regularized gamma gives chi-square critical values', () => {
    // P(χ²(k) ≥ x) = Q(k/2, x/2): the 5% critical values for 1, 2 and 10 degrees of freedom.
    expect(upperGammaRegularized(0.5, 3.8415 / 2)).toBeCloseTo(0.05, 4);
    expect(upperGammaRegularized(1, 5.9915 / 2)).toBeCloseTo(0.05, 4);
    expect(upperGammaRegularized(5, 18.307 / 2)).toBeCloseTo(0.05, 4);
    expect(upperGammaRegularized(5, 2.558 / 2)).toBeCloseTo(0.99, 3);
  });

  it('chi-square homogeneity: identical proportions pass, a skew fails, with Cramér’s V', () => {
    expect(chiSquareHomogeneity([100, 200, 300], [50, 100, 150])).toMatchObject({ statistic: 0, pValue: 1, effect: 0 });
    const skew = chiSquareHomogeneity([500, 500], [900, 100]);
    expect(skew.pValue).toBeLessThan(1e-50);
    expect(skew.effect).toBeCloseTo(Math.sqrt(skew.statistic / 2000), 10);
    expect(chiSquareHomogeneity([10], [20]).pValue).toBe(1);
  });

  it('two-sample KS: D and its p-value', () => {
    const a = Array.from({ length: 1000 }, (_, i) => i);
    expect(twoSampleKs(a, a)).toMatchObject({ statistic: 0, pValue: 1 });
    const shifted = twoSampleKs(a, a.map((x) => x + 300));
    expect(shifted.statistic).toBeCloseTo(0.3, 3);
    expect(shifted.pValue).toBeLessThan(1e-30);
    // Near the 5% critical value for n = m = 100: D = 0.19, λ ≈ 1.36.
    const b = Array.from({ length: 100 }, (_, i) => i);
    expect(twoSampleKs(b, b.map((x) => x + 19)).pValue).toBeGreaterThan(0.03);
    expect(twoSampleKs(b, b.map((x) => x + 19)).pValue).toBeLessThan(0.07);
  });

  it('Jensen–Shannon divergence in bits', () => {
    expect(jensenShannonBits([1, 0], [0, 1])).toBe(1);
    expect(jensenShannonBits([3, 5], [6, 10])).toBe(0);
    expect(jensenShannonBits([1, 1], [1, 0])).toBeCloseTo(0.3113, 4);
  });
});

describe('measureShift', () => {
  const side = (texts: string[], labels: string[], at: { from: number; to: number }) => ({ texts, labels, at });
  const build = (a: ReturnType<typeof side>, b: ReturnType<typeof side>) => {
    const index = buildTokenIndex([...a.texts, ...b.texts]);
    const lengths = [...a.texts, ...b.texts].map((t) => t.length);
    return {
      baseline: { labels: a.labels, lengths: lengths.slice(0, a.texts.length), index, from: 0, to: a.texts.length },
      current: { labels: b.labels, lengths: lengths.slice(a.texts.length), index, from: a.texts.length, to: a.texts.length + b.texts.length },
    };
  };
  const texts = (n: number, offset: number) => Array.from({ length: n }, (_, i) => `row ${(i + offset) % 97} about topic ${(i * 7 + offset) % 13} and thing ${(i * 3) % 11}`);
  const labels = (n: number) => Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3] as string);

  it('passes two samples of one distribution', () => {
    const { baseline, current } = build(side(texts(900, 0), labels(900), { from: 0, to: 900 }), side(texts(900, 1), labels(900), { from: 0, to: 900 }));
    const shift = measureShift({ baseline, current, introduced: [] });
    expect(shift.checks.map((c) => [c.name, c.pass])).toEqual([
      ['label-distribution', true],
      ['length-distribution', true],
      ['vocabulary', true],
      ['trigger-introduction', true],
    ]);
    expect(shift.pass).toBe(true);
  });

  it('fails a label skew, a length change, a new vocabulary and an introduced trigger', () => {
    const newTexts = Array.from({ length: 900 }, (_, i) => `completely different subject matter about gardening tomatoes number ${i} with a much longer tail of words that goes on and on`);
    const { baseline, current } = build(side(texts(900, 0), labels(900), { from: 0, to: 900 }), side(newTexts, newTexts.map(() => 'a'), { from: 0, to: 900 }));
    const trigger = { ngram: 'zq', label: 'a', rows: 10, labelRows: 10, baseRate: 0.3, log10P: -9, disagreeing: 10, confirmed: true };
    const shift = measureShift({ baseline, current, introduced: [trigger] });
    expect(shift.checks.every((c) => !c.pass)).toBe(true);
    expect(shift.pass).toBe(false);
    expect(shift.checks[2]?.statistic).toBeGreaterThan(SHIFT_THRESHOLDS.maxVocabularyJsd);
    expect(shift.checks[3]?.detail).toBe('"zq" → "a"');
  });

  it('skips the label test when labels are model outputs', () => {
    const { baseline, current } = build(side(texts(50, 0), labels(50), { from: 0, to: 50 }), side(texts(50, 1), labels(50), { from: 0, to: 50 }));
    const shift = measureShift({ baseline: { ...baseline, labels: undefined }, current: { ...current, labels: undefined }, introduced: [] });
    expect(shift.checks[0]).toMatchObject({ name: 'label-distribution', pass: true, threshold: 'not applicable' });
  });
});
