import { describe, expect, it } from 'vitest';
import { labelBuckets } from './label-buckets.js';
import { countNgrams, countRows, mergeCounts, mergeSketches, NGRAM_FIELDS, ngramOrder, ngramRows, sketchBitsFor, sketchRows, type NgramCounts } from './ngram-counts.js';
import { tokenStrings } from './token-hashes.js';
import { buildTokenIndex } from './token-index.js';

const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta'];
const texts = Array.from({ length: 400 }, (_, i) => `${words[i % 8]} ${words[(i * 3) % 8]} ${words[(i * 5) % 7]} row${i % 50} tail`);
const labels = texts.map((_, i) => (i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : undefined));

/** Every counted n-gram: key → [order, per-bucket counts]. */
function table(counts: NgramCounts): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let slot = 0; slot < counts.capacity; slot += 1) {
    const at = slot * counts.stride;
    if (ngramOrder(counts, slot) === 0) continue;
    out.set(`${counts.data[at + NGRAM_FIELDS.keyA]}:${counts.data[at + NGRAM_FIELDS.keyB]}`, [ngramOrder(counts, slot), ...counts.data.subarray(at + NGRAM_FIELDS.buckets, at + counts.stride)]);
  }
  return out;
}

/** Per row, the multiset of counted n-gram keys. */
function occurrences(counts: NgramCounts): string[][] {
  const { offsets, slots, meta } = counts.occurrences;
  return Array.from({ length: offsets.length - 1 }, (_, r) => {
    const keys: string[] = [];
    for (let k = offsets[r] as number; k < (offsets[r + 1] as number); k += 1) {
      const at = (slots[k] as number) * counts.stride;
      keys.push(`${counts.data[at]}:${counts.data[at + 1]}@${meta[k]}`);
    }
    return keys.sort();
  });
}

describe('countNgrams', () => {
  const index = buildTokenIndex(texts);
  const buckets = labelBuckets(labels);

  it('counts labelled rows per bucket, each n-gram once per row, for n-grams in at least minSupport rows', () => {
    const counts = countNgrams({ index, buckets, minSupport: 8 });
    const tail = counts.find(tokenStrings('tail').hashes[0] as number, 0);
    expect(tail).toBe(-1); // wrong second key: not found
    const all = table(counts);
    // "tail" is in every row; 267 rows carry a label.
    const tailHash = tokenStrings('tail').hashes[0] as number;
    const [tailEntry] = [...all.entries()].filter(([key]) => key.startsWith(`${tailHash}:`));
    expect(tailEntry?.[1]).toEqual([1, 134, 133]);
    // "row7" is in 8 rows (i % 50 = 7), of which some unlabelled: below minSupport, not counted.
    const row7 = tokenStrings('row7').hashes[0] as number;
    expect([...all.keys()].some((key) => key.startsWith(`${row7}:`))).toBe(false);
    for (const [, value] of all) expect((value[1] as number) + (value[2] as number)).toBeGreaterThanOrEqual(8);
    expect(ngramRows(counts, [...Array(counts.capacity).keys()].find((slot) => ngramOrder(counts, slot) === 1) as number)).toBeGreaterThan(0);
  });

  it('gives the same counts and occurrences when the rows are counted in two halves and merged (the two-thread path)', () => {
    const whole = countNgrams({ index, buckets, minSupport: 8 });
    const bits = sketchBitsFor(index);
    const first = { index, buckets, from: 0, to: 170 };
    const second = { index, buckets, from: 170, to: index.rows };
    const cells = sketchRows(first, bits);
    mergeSketches(cells, sketchRows(second, bits));
    expect(Array.from(cells)).toEqual(Array.from(sketchRows({ index, buckets, from: 0, to: index.rows }, bits)));
    const merged = mergeCounts(countRows(first, { cells, bits, minSupport: 8 }), countRows(second, { cells, bits, minSupport: 8 }));
    expect(table(merged)).toEqual(table(whole));
    expect(occurrences(merged)).toEqual(occurrences(whole));
  });

  it('saturates sketch cells at 15 when merging', () => {
    const a = Uint8Array.of(0x9f, 0x11);
    mergeSketches(a, Uint8Array.of(0x99, 0xff));
    expect(Array.from(a)).toEqual([0xff, 0xff]);
  });
});
