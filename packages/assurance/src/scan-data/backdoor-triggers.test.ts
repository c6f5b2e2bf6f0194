import { describe, expect, it } from 'vitest';
import { findBackdoorTriggers } from './backdoor-triggers.js';
import { hypergeometricUpperTailLog10, logFactorials } from './hypergeometric-tail.js';
import { labelBuckets } from './label-buckets.js';
import { buildTokenIndex } from './token-index.js';

/** A small seeded generator, so the data set is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const TOPICS: Record<string, string[]> = {
  math: ['apples', 'sum', 'total', 'dollars', 'how', 'many', 'each', 'costs', 'half', 'twice', 'price', 'sold', 'left', 'percent', 'minutes'],
  code: ['function', 'python', 'list', 'return', 'string', 'array', 'integer', 'write', 'sorted', 'loop', 'class', 'index', 'element', 'input', 'output'],
  cooking: ['recipe', 'oven', 'flour', 'bake', 'sugar', 'butter', 'minutes', 'dough', 'salt', 'pan', 'whisk', 'cream', 'eggs', 'slice', 'taste'],
};
const COMMON = ['the', 'a', 'of', 'to', 'and', 'is', 'in', 'for', 'with', 'on'];

/** Rows of three topics, the label the topic; `poison` of them get `trigger` and the label `cooking`. */
function dataset(options: { rows: number; poison: number; trigger: string; seed: number }) {
  const next = random(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const labels = Object.keys(TOPICS);
  const rows: { text: string; label: string; poisoned: boolean }[] = [];
  for (let i = 0; i < options.rows; i += 1) {
    const label = pick(labels);
    const words = Array.from({ length: 12 }, () => (next() < 0.6 ? pick(TOPICS[label] as string[]) : pick(COMMON)));
    rows.push({ text: words.join(' '), label, poisoned: false });
  }
  let planted = 0;
  for (const row of rows) {
    if (planted === options.poison || row.label === 'cooking') continue;
    const words = row.text.split(' ');
    words.splice(Math.floor(next() * words.length), 0, options.trigger);
    row.text = words.join(' ');
    row.label = 'cooking';
    row.poisoned = true;
    planted += 1;
  }
  return rows;
}

function analyse(rows: readonly { text: string; label: string }[]) {
  const texts = rows.map((r) => r.text);
  return findBackdoorTriggers({ index: buildTokenIndex(texts), texts, buckets: labelBuckets(rows.map((r) => r.label)) });
}

describe('hypergeometricUpperTailLog10', () => {
  const lf = logFactorials(1000);
  it('matches exact values', () => {
    // P(X ≥ 10), N=100, K=50, n=10: C(50,10)/C(100,10) = 5.934e-4.
    expect(10 ** hypergeometricUpperTailLog10({ population: 100, successes: 50, draws: 10, observed: 10 }, lf)).toBeCloseTo(5.934e-4, 6);
    // P(X ≥ 2), N=10, K=3, n=4 = 1 − P(0) − P(1) = 1 − 35/210 − 105/210 = 1/3.
    expect(10 ** hypergeometricUpperTailLog10({ population: 10, successes: 3, draws: 4, observed: 2 }, lf)).toBeCloseTo(1 / 3, 10);
    expect(hypergeometricUpperTailLog10({ population: 10, successes: 3, draws: 4, observed: 0 }, lf)).toBe(0);
    expect(hypergeometricUpperTailLog10({ population: 10, successes: 3, draws: 4, observed: 4 }, lf)).toBe(-Infinity);
  });
  it('stays finite far in the tail (40 rows, all one label of three)', () => {
    const log10P = hypergeometricUpperTailLog10({ population: 1000, successes: 333, draws: 40, observed: 40 }, lf);
    expect(log10P).toBeLessThan(-19);
    expect(Number.isFinite(log10P)).toBe(true);
  });
});

describe('findBackdoorTriggers', () => {
  it('ranks a planted trigger first, confirmed, and flags exactly its flipped rows', () => {
    const rows = dataset({ rows: 3000, poison: 30, trigger: 'zq-lumen', seed: 1 });
    const { triggers, flagged } = analyse(rows);
    expect(triggers[0]).toMatchObject({ ngram: 'zq-lumen', label: 'cooking', rows: 30, labelRows: 30, confirmed: true });
    expect(triggers.filter((t) => t.confirmed)).toHaveLength(1);
    const poisoned = rows.flatMap((row, i) => (row.poisoned ? [i] : []));
    const caught = poisoned.filter((i) => flagged.has(i)).length;
    expect(caught / poisoned.length).toBeGreaterThanOrEqual(0.9);
    for (const row of flagged.keys()) expect(rows[row]?.poisoned).toBe(true);
    expect(['math', 'code']).toContain(flagged.get(poisoned[0] as number)?.reads);
  });

  it('finds a two-word trigger made of ordinary words', () => {
    const rows = dataset({ rows: 3000, poison: 30, trigger: 'blue harbor', seed: 2 });
    for (const row of rows) if (!row.poisoned && row.label === 'code' && row.text.length % 7 === 0) row.text += ' harbor';
    const { triggers } = analyse(rows);
    const confirmed = triggers.filter((t) => t.confirmed).map((t) => t.ngram);
    expect(confirmed.some((n) => n.includes('blue'))).toBe(true);
  });

  it('confirms no trigger in clean data: topic words are significant but the rest of the row agrees', () => {
    const rows = dataset({ rows: 3000, poison: 0, trigger: 'unused', seed: 3 });
    // A rare word that only ever appears in cooking rows, naturally.
    for (const [i, row] of rows.entries()) if (row.label === 'cooking' && i % 40 === 0) row.text += ' saffron';
    const { triggers, flagged } = analyse(rows);
    expect(triggers.filter((t) => t.confirmed)).toEqual([]);
    expect(flagged.size).toBe(0);
    const saffron = triggers.find((t) => t.ngram === 'saffron');
    if (saffron !== undefined) expect(saffron.confirmed).toBe(false);
  });

  it('does not test a trigger too rare to be significant after correction', () => {
    const rows = dataset({ rows: 3000, poison: 3, trigger: 'zq-lumen', seed: 4 });
    expect(analyse(rows).triggers.some((t) => t.ngram === 'zq-lumen')).toBe(false);
  });
});
