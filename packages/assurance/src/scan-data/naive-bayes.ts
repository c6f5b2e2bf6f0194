import type { LabelBuckets } from './label-buckets.js';
import { NGRAM_FIELDS as F, ngramOrder, type NgramCounts } from './ngram-counts.js';
import { MAX_ROW_TOKENS } from './token-hashes.js';
import type { TokenIndex } from './token-index.js';

/**
 * A model-free estimate of a row's label from its words: binarized multinomial naive Bayes
 * over the dataset's own unigram counts (the counted n-grams of order 1), Laplace-smoothed.
 * It answers "what does the rest of this row say its label is?" once a suspected trigger's
 * words are left out, and it is leave-one-out: the row's own contribution to the counts is
 * removed first, so a row cannot vouch for its own label.
 */
export interface NaiveBayes {
  /**
   * The most likely bucket of `row` from its words, leaving out the tokens at positions
   * [skip.from, skip.from + skip.count) of the row, and the log-odds of that bucket over `own`
   * (0 when they are the same). `own` is the row's bucket for a leave-one-out estimate, or −1 to
   * use the counts as they are.
   */
  predict(query: NaiveBayesQuery): NaiveBayesEstimate;
}

/** An estimate; one object reused by every call (read it before the next). */
export interface NaiveBayesEstimate {
  readonly bucket: number;
  readonly margin: number;
  /** Log-score per bucket. */
  readonly scores: Float64Array;
}

export interface NaiveBayesQuery {
  readonly row: number;
  readonly own: number;
  readonly skip?: { readonly from: number; readonly count: number };
}

const SMOOTHING = 1;

/**
 * Builds the estimator from the n-gram counts of `index`.
 *
 * @example
 * const nb = createNaiveBayes({ index, counts, buckets });
 * nb.predict({ row: 12, own: buckets.ofRow[12] }).bucket;
 */
export function createNaiveBayes(input: { readonly index: TokenIndex; readonly counts: NgramCounts; readonly buckets: LabelBuckets }): NaiveBayes {
  const { index, counts, buckets } = input;
  const { width, data, stride } = counts;
  // Per unigram: log(count + α) per bucket, and log(count − 1 + α) for the leave-one-out bucket.
  const unigramOf = new Int32Array(counts.capacity).fill(-1);
  let vocabulary = 0;
  for (let slot = 0; slot < counts.capacity; slot += 1) if (ngramOrder(counts, slot) === 1) unigramOf[slot] = vocabulary++;
  const logCount = new Float64Array(vocabulary * width);
  const unigramHash = new Uint32Array(vocabulary);
  const logCountLess = new Float64Array(vocabulary * width);
  const totals = new Float64Array(width);
  for (let slot = 0; slot < counts.capacity; slot += 1) {
    const u = unigramOf[slot] as number;
    if (u === -1) continue;
    unigramHash[u] = data[slot * stride + F.keyA] as number;
    for (let b = 0; b < width; b += 1) {
      const c = data[slot * stride + F.buckets + b] as number;
      totals[b] = (totals[b] as number) + c;
      logCount[u * width + b] = Math.log(c + SMOOTHING);
      logCountLess[u * width + b] = Math.log(Math.max(0, c - 1) + SMOOTHING);
    }
  }

  // The last row's per-word terms, so several queries on one row (one per suspected trigger in
  // it) cost one pass over its words.
  let cachedRow = -1;
  let cachedOwn = -2;
  const words = new Int32Array(MAX_ROW_TOKENS);
  const wordHash = new Uint32Array(MAX_ROW_TOKENS);
  /** Per token position of the loaded row: its word (index into `words`), or −1. */
  const wordAt = new Int32Array(MAX_ROW_TOKENS).fill(-1);
  let loadedLength = 0;
  const terms = new Float64Array(MAX_ROW_TOKENS * width);
  let used = 0;
  const base = new Float64Array(width);
  const scores = new Float64Array(width);
  // Reused: the trigger pass asks for a million estimates, and each object would be garbage.
  const estimate = { bucket: 0, margin: 0, scores };
  const subtracted = new Int32Array(4);
  const { offsets, slots, meta } = counts.occurrences;

  const load = (row: number, own: number): void => {
    cachedRow = row;
    cachedOwn = own;
    used = 0;
    wordAt.fill(-1, 0, loadedLength);
    loadedLength = Math.min(MAX_ROW_TOKENS, (index.offsets[row + 1] as number) - (index.offsets[row] as number));
    // The row's counted unigrams, each once (binarized naive Bayes).
    for (let k = offsets[row] as number; k < (offsets[row + 1] as number); k += 1) {
      const m = meta[k] as number;
      if ((m & 3) !== 1) continue;
      const slot = slots[k] as number;
      const u = unigramOf[slot] as number;
      words[used] = u;
      wordHash[used] = unigramHash[u] as number;
      wordAt[m >> 2] = used;
      used += 1;
    }
    // The row's own words left the totals too (leave-one-out).
    for (let b = 0; b < width; b += 1) {
      const self = b === own;
      const rows = (buckets.rows[b] as number) - (self ? 1 : 0);
      let score = Math.log((rows + SMOOTHING) / (buckets.labelled - (own >= 0 ? 1 : 0) + SMOOTHING * width));
      const denominator = Math.log((totals[b] as number) - (self ? used : 0) + SMOOTHING * vocabulary);
      const table = self ? logCountLess : logCount;
      for (let k = 0; k < used; k += 1) {
        const term = (table[(words[k] as number) * width + b] as number) - denominator;
        terms[k * width + b] = term;
        score += term;
      }
      base[b] = score;
    }
  };

  return {
    predict(query) {
      const { row, own } = query;
      if (row !== cachedRow || own !== cachedOwn) load(row, own);
      scores.set(base);
      const skip = query.skip;
      if (skip !== undefined) {
        const start = index.offsets[row] as number;
        let count = 0;
        for (let p = skip.from; p < skip.from + skip.count; p += 1) {
          let k = wordAt[p] as number;
          if (k === -1) {
            // A repeated word is recorded at its first position only: find it by its hash.
            const hash = index.tokens[start + p];
            k = 0;
            while (k < used && wordHash[k] !== hash) k += 1;
            if (k === used) continue;
          }
          let seen = false;
          for (let s = 0; s < count; s += 1) if (subtracted[s] === k) seen = true;
          if (seen) continue;
          subtracted[count++] = k;
          for (let b = 0; b < width; b += 1) scores[b] = (scores[b] as number) - (terms[k * width + b] as number);
        }
      }
      let best = 0;
      for (let b = 1; b < width; b += 1) if ((scores[b] as number) > (scores[best] as number)) best = b;
      const margin = own >= 0 && own < width ? (scores[best] as number) - (scores[own] as number) : 0;
      estimate.bucket = best;
      estimate.margin = margin;
      return estimate;
    },
  };
}
