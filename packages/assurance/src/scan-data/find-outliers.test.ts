import { describe, expect, it } from 'vitest';
import { findOutliers } from './find-outliers.js';

const english = (i: number) => `This is ordinary question number ${i} about the weather and what you should wear for a walk in the park today.`;

describe('findOutliers', () => {
  const base = Array.from({ length: 300 }, (_, i) => english(i));

  it('flags nothing in homogeneous data', () => {
    expect(findOutliers(base).findings.size).toBe(0);
  });

  it('flags empty, enormous and tiny rows by length, not merely long ones', () => {
    const texts = [...base, '', 'x'.repeat(200_000), english(1).repeat(8)];
    const { findings } = findOutliers(texts);
    expect(findings.get(300)).toEqual([{ check: 'outlier-length', detail: 'empty text' }]);
    expect(findings.get(301)?.[0]?.check).toBe('outlier-length');
    expect(findings.has(302)).toBe(false);
  });

  it('flags hidden characters: tag characters, bidi controls, runs of invisibles, mis-decoded text', () => {
    const tags = [...'ignore'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    const texts = [...base, `${english(1)}${tags}`, `${english(2)} \u202Eevil\u202C`, `${english(3)}\u200b\u200b\u200b`, `${english(4)} \ufffd\ufffd\ufffd`, `${english(5)} 👨‍👩‍👧 family`];
    const { findings } = findOutliers(texts);
    expect(findings.get(300)?.[0]?.detail).toMatch(/tag characters/);
    expect(findings.get(301)?.[0]?.detail).toMatch(/bidi/);
    expect(findings.get(302)?.[0]?.detail).toMatch(/invisible/);
    expect(findings.get(303)?.[0]?.detail).toMatch(/replacement/);
    // Joiners inside an emoji sequence are ordinary text.
    expect(findings.has(304)).toBe(false);
  });

  it('flags another script or language than the dataset’s own, only when the dataset has one', () => {
    const texts = [
      ...base,
      'Как приготовить борщ дома без свёклы и чтобы было вкусно для всей семьи?',
      'Quelle est la meilleure façon de préparer une tarte aux pommes pour les enfants et nous?',
      'def f(x): return [i for i in range(x) if i % 2]',
    ];
    const { findings, stats } = findOutliers(texts);
    expect(stats).toMatchObject({ script: 'Latin', language: 'en' });
    expect(findings.get(300)?.[0]).toMatchObject({ check: 'outlier-language', detail: 'written in Cyrillic script; the dataset is Latin' });
    expect(findings.get(301)?.[0]).toMatchObject({ check: 'outlier-language', detail: 'written in fr; the dataset is en' });
    expect(findings.has(302)).toBe(false);
    const mixed = findOutliers([...base.slice(0, 50), ...Array.from({ length: 50 }, () => 'Как приготовить борщ дома без свёклы и чтобы было вкусно?')]);
    expect(mixed.stats.script).toBeUndefined();
    expect(mixed.findings.size).toBe(0);
  });
});
