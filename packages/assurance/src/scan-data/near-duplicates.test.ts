import { describe, expect, it } from 'vitest';
import { findDuplicates } from './near-duplicates.js';
import { buildTokenIndex } from './token-index.js';

/** Fifteen pseudo-random words of a 300-word vocabulary: unrelated rows. */
const sentence = (seed: number) => Array.from({ length: 15 }, (_, i) => `w${(Math.imul(seed * 31 + i, 2654435761) >>> 0) % 300}`).join(' ');

describe('findDuplicates', () => {
  it('finds exact copies (case, spacing and punctuation folded) and near copies, not mere topic neighbours', () => {
    const texts = [
      'Why do veins appear blue in the human body?',
      'why do veins  appear blue in the human body',
      'Why do veins appear blue in the human body? Please answer briefly.',
      'Why is the sky blue during the day?',
      ...Array.from({ length: 200 }, (_, i) => sentence(i)),
    ];
    const { exactOf, cluster, edges } = findDuplicates(buildTokenIndex(texts));
    expect(exactOf[1]).toBe(0);
    expect(exactOf[2]).toBe(-1);
    expect(cluster[1]).toBe(0);
    expect(cluster[2]).toBe(0);
    expect(cluster[3]).toBe(3);
    // Unrelated rows stay alone.
    for (let i = 4; i < texts.length; i += 1) expect(cluster[i]).toBe(i);
    const pairs = Array.from({ length: edges.count }, (_, e) => [edges.from[e], edges.to[e]].join('-'));
    expect(pairs).toContain('0-1');
    expect(pairs).toContain('0-2');
    for (let e = 0; e < edges.count; e += 1) expect(edges.from[e] as number).toBeLessThan(edges.to[e] as number);
  });

  it('keeps empty rows out of the near-duplicate search but reports them as copies of each other', () => {
    const { exactOf, cluster } = findDuplicates(buildTokenIndex(['', 'text here', '   ', '']));
    expect(Array.from(exactOf)).toEqual([-1, -1, 0, 0]);
    expect(cluster[3]).toBe(0);
  });

  it('bounds the work of a huge bucket: a thousand copies of one row with one word changed', () => {
    const texts = Array.from({ length: 1000 }, (_, i) => `the quick brown fox jumps over the lazy dog number ${i}`);
    const started = performance.now();
    const { cluster } = findDuplicates(buildTokenIndex(texts));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(new Set(cluster).size).toBe(1);
  });
});
