import { MAX_ROW_TOKENS, mix32 } from './token-hashes.js';
import type { TokenIndex } from './token-index.js';

/**
 * Exact and near-duplicate rows. Exact: the same token sequence (case, whitespace and
 * punctuation folded). Near: Jaccard similarity of the rows' sets of word unigrams and bigrams,
 * with candidate pairs found by MinHash locality-sensitive hashing — 30 values in 10 bands of 3,
 * so a pair shares a band with probability 1 − (1 − J³)^10: 0.985 at Jaccard 0.7, 0.74 at 0.5,
 * 0.24 at 0.3 — and the near-duplicate threshold checked exactly. Written for throughput: typed
 * arrays, Math.imul hashing, shingles hashed on the fly from the token index, bands bucketed by
 * sorting packed numbers rather than by maps of arrays.
 */
export interface DuplicateOptions {
  /** Jaccard at or above which two rows are near-duplicates (the same cluster). */
  readonly nearDuplicateJaccard?: number;
  /** Jaccard at or above which two rows count as neighbours (see neighbour disagreement). */
  readonly neighbourJaccard?: number;
}

export interface DuplicateEdges {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly jaccard: Float32Array;
  readonly count: number;
}

export interface DuplicateAnalysis {
  /** Per row: the first earlier row with the same normalized text, or −1. */
  readonly exactOf: Int32Array;
  /** Per row: the smallest row index of its near-duplicate cluster (itself when alone). */
  readonly cluster: Int32Array;
  /** Verified pairs at or above the neighbour threshold (`from` < `to`). */
  readonly edges: DuplicateEdges;
}

export const NEAR_DUPLICATE_JACCARD = 0.7;
export const NEIGHBOUR_JACCARD = 0.5;
/** Rows are packed below a band key in a double: 21 bits of row index. */
export const MAX_DUPLICATE_ROWS = 2 ** 21;

const HASHES = 30;
const BANDS = 10;
const BAND_ROWS = HASHES / BANDS;
/** Members of a bucket each later member is compared with: bounds the work of huge buckets. */
const BUCKET_REPRESENTATIVES = 2;
const ROW_SPACE = 2 ** 21;
const PAIR_SPACE = 2 ** 26;

/**
 * Pairs whose MinHash estimate reaches this share of the near-duplicate threshold get the exact
 * check: at Jaccard 0.7 the agreement is binomial(30, 0.7) and falls below 15 (0.7 · 30 · 0.75)
 * about 0.2% of the time.
 */
const NEAR_CHECK_SLACK = 0.75;

/** A row's shingles (unigram and bigram hashes, repeats included) into `out`; returns the count. */
function rowShingles(index: TokenIndex, row: number, out: Uint32Array): number {
  const start = index.offsets[row] as number;
  const end = index.offsets[row + 1] as number;
  let count = 0;
  let previous = 0;
  for (let i = start; i < end; i += 1) {
    const token = index.tokens[i] as number;
    out[count++] = token;
    if (i > start) out[count++] = mix32(Math.imul(previous, 0x9e3779b1) ^ token ^ 0x7f4a7c15);
    previous = token;
  }
  return count;
}

const MAX_SHINGLES = 2 * MAX_ROW_TOKENS;

/**
 * One-permutation MinHash: each shingle is hashed once, its top bits choose one of HASHES bins
 * and each bin keeps its minimum (Li, Owen and Zhang, "One permutation hashing", NIPS 2012), so
 * a row costs one hash per shingle instead of one per shingle and hash function. Empty bins of
 * short rows borrow a filled bin chosen by a probe sequence that is the same for every row
 * (Shrivastava, "Optimal densification for fast and accurate minwise hashing", ICML 2017), which
 * keeps the collision probability of two rows equal to their Jaccard similarity.
 */
function minhashSignatures(index: TokenIndex): Uint16Array {
  // Each minimum is kept as its low 16 bits: two different minima then agree by chance once in
  // 65,536, and a row's signature fits one cache line (the pair checks read two per pair).
  const signatures = new Uint16Array(index.rows * HASHES);
  const minima = new Uint32Array(HASHES);
  const shingles = new Uint32Array(MAX_SHINGLES);
  for (let r = 0; r < index.rows; r += 1) {
    const count = rowShingles(index, r, shingles);
    if (count === 0) continue;
    minima.fill(EMPTY);
    for (let i = 0; i < count; i += 1) {
      const s = shingles[i] as number;
      const bin = ((s >>> 16) * HASHES) >>> 16;
      // 31 bits, so no value is EMPTY.
      const value = Math.imul(s ^ 0x5bd1e995, 0xcc9e2d51) >>> 1;
      if (value < (minima[bin] as number)) minima[bin] = value;
    }
    const at = r * HASHES;
    for (let k = 0; k < HASHES; k += 1) {
      let value = minima[k] as number;
      for (let attempt = 0; value === EMPTY; attempt += 1) value = minima[densifyProbe(k, attempt)] as number;
      signatures[at + k] = value & 0xffff;
    }
  }
  return signatures;
}

const EMPTY = 0xffffffff;
/** The bin an empty bin `k` borrows from on `attempt`: fixed per (k, attempt), the same for all rows. */
function densifyProbe(k: number, attempt: number): number {
  return ((mix32(Math.imul(k + 1, 0x9e3779b1) ^ Math.imul(attempt + 1, 0x85ebca6b)) >>> 16) * HASHES) >>> 16;
}

/** Signature positions two rows share: an estimate of their Jaccard (×HASHES), used to skip exact checks. */
function agreement(signatures: Uint16Array, a: number, b: number): number {
  let same = 0;
  const ai = a * HASHES;
  const bi = b * HASHES;
  for (let k = 0; k < HASHES; k += 1) if (signatures[ai + k] === signatures[bi + k]) same += 1;
  return same;
}

/**
 * Exact Jaccard similarity of two rows' shingle sets, with a scratch hash set (tagged per call,
 * so it is never cleared): a row's shingles go in tagged "A", the other row's are looked up and
 * tagged "A and B" or "B".
 */
function createJaccard(index: TokenIndex): (a: number, b: number) => number {
  const capacity = 2 * MAX_SHINGLES;
  const mask = capacity - 1;
  const keys = new Uint32Array(capacity);
  const tags = new Int32Array(capacity);
  const shingles = new Uint32Array(MAX_SHINGLES);
  let call = 0;
  return (a, b) => {
    call += 1;
    const inA = call * 4 + 1;
    const inB = call * 4 + 2;
    const inBoth = call * 4 + 3;
    let sizeA = 0;
    let sizeB = 0;
    let shared = 0;
    let count = rowShingles(index, a, shingles);
    for (let i = 0; i < count; i += 1) {
      const s = shingles[i] as number;
      let slot = s & mask;
      // Slots tagged in an earlier call count as free.
      while ((tags[slot] as number) >= inA && keys[slot] !== s) slot = (slot + 1) & mask;
      if ((tags[slot] as number) >= inA) continue;
      keys[slot] = s;
      tags[slot] = inA;
      sizeA += 1;
    }
    count = rowShingles(index, b, shingles);
    for (let i = 0; i < count; i += 1) {
      const s = shingles[i] as number;
      let slot = s & mask;
      while ((tags[slot] as number) >= inA && keys[slot] !== s) slot = (slot + 1) & mask;
      const tag = tags[slot] as number;
      if (tag === inA) {
        tags[slot] = inBoth;
        shared += 1;
        sizeB += 1;
      } else if (tag < inA) {
        keys[slot] = s;
        tags[slot] = inB;
        sizeB += 1;
      }
    }
    return shared / Math.max(1, sizeA + sizeB - shared);
  };
}

/** Growable array of doubles. */
class DoubleList {
  values = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

/** Growable list of edges. */
class EdgeList {
  from = new Int32Array(1024);
  to = new Int32Array(1024);
  jaccard = new Float32Array(1024);
  count = 0;
  push(edge: { a: number; b: number }, similarity: number): void {
    if (this.count === this.from.length) {
      const size = this.count * 2;
      const from = new Int32Array(size);
      const to = new Int32Array(size);
      const jaccard = new Float32Array(size);
      from.set(this.from);
      to.set(this.to);
      jaccard.set(this.jaccard);
      this.from = from;
      this.to = to;
      this.jaccard = jaccard;
    }
    this.from[this.count] = edge.a;
    this.to[this.count] = edge.b;
    this.jaccard[this.count] = similarity;
    this.count += 1;
  }
}

/** Candidate pairs (packed `a · 2^26 + b`, a < b) sharing at least one band, distinct and sorted. */
function candidatePairs(signatures: Uint16Array, live: Int32Array): Float64Array {
  const pairs = new DoubleList();
  const codes = new Float64Array(live.length);
  for (let band = 0; band < BANDS; band += 1) {
    for (let i = 0; i < live.length; i += 1) {
      const r = live[i] as number;
      const at = r * HASHES + band * BAND_ROWS;
      let key = 0x2545f491;
      for (let k = 0; k < BAND_ROWS; k += 1) key = Math.imul(key ^ (signatures[at + k] as number), 0x9e3779b1);
      key = mix32(key);
      codes[i] = key * ROW_SPACE + r;
    }
    codes.sort();
    let runStart = 0;
    while (runStart < codes.length) {
      const key = Math.floor((codes[runStart] as number) / ROW_SPACE);
      let runEnd = runStart + 1;
      while (runEnd < codes.length && Math.floor((codes[runEnd] as number) / ROW_SPACE) === key) runEnd += 1;
      for (let j = runStart + 1; j < runEnd; j += 1) {
        const b = (codes[j] as number) % ROW_SPACE;
        const reps = Math.min(j, runStart + BUCKET_REPRESENTATIVES);
        for (let i = runStart; i < reps; i += 1) pairs.push(((codes[i] as number) % ROW_SPACE) * PAIR_SPACE + b);
      }
      runStart = runEnd;
    }
  }
  const sorted = pairs.values.subarray(0, pairs.length).sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i += 1) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i] as number;
  return sorted.subarray(0, distinct);
}

/** Rows with the same token sequence: per row the first such row, or −1. */
function exactDuplicates(index: TokenIndex): Int32Array {
  const exactOf = new Int32Array(index.rows).fill(-1);
  let capacity = 1024;
  while (capacity < index.rows * 2) capacity *= 2;
  const mask = capacity - 1;
  const keyA = new Uint32Array(capacity);
  const keyB = new Uint32Array(capacity);
  const owner = new Int32Array(capacity).fill(-1);
  for (let r = 0; r < index.rows; r += 1) {
    let a = 0x9747b28c;
    let b = 0x2545f491;
    const end = index.offsets[r + 1] as number;
    const start = index.offsets[r] as number;
    for (let i = start; i < end; i += 1) {
      const t = index.tokens[i] as number;
      a = Math.imul(a ^ t, 0x01000193);
      b = Math.imul((b + t) | 0, 0x2c1b3c6d) ^ (b >>> 13);
    }
    a = mix32(a ^ (end - start));
    b = mix32(b + end - start);
    let slot = a & mask;
    for (;;) {
      const existing = owner[slot] as number;
      if (existing === -1) {
        owner[slot] = r;
        keyA[slot] = a;
        keyB[slot] = b;
        break;
      }
      if (keyA[slot] === a && keyB[slot] === b) {
        exactOf[r] = existing;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return exactOf;
}

/**
 * Finds exact and near-duplicate rows and the neighbour graph.
 *
 * @example
 * const index = buildTokenIndex(texts);
 * const { exactOf, cluster } = findDuplicates(index);
 * // cluster[i] === cluster[j]: rows i and j are near-duplicates (directly or through others)
 */
export function findDuplicates(index: TokenIndex, options: DuplicateOptions = {}): DuplicateAnalysis {
  if (index.rows > MAX_DUPLICATE_ROWS) throw new RangeError(`findDuplicates handles at most ${MAX_DUPLICATE_ROWS} rows`);
  const nearJ = options.nearDuplicateJaccard ?? NEAR_DUPLICATE_JACCARD;
  const neighbourJ = Math.min(options.neighbourJaccard ?? NEIGHBOUR_JACCARD, nearJ);
  const exactOf = exactDuplicates(index);
  const signatures = minhashSignatures(index);
  const jaccard = createJaccard(index);
  // A copy of an earlier row adds nothing to the search: it joins the original's cluster below.
  const liveRows: number[] = [];
  for (let r = 0; r < index.rows; r += 1) if (exactOf[r] === -1 && (index.offsets[r + 1] as number) > (index.offsets[r] as number)) liveRows.push(r);
  const pairs = candidatePairs(signatures, Int32Array.from(liveRows));

  const parent = Int32Array.from({ length: index.rows }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      const grand = parent[parent[i] as number] as number;
      parent[i] = grand;
      i = grand;
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra < rb) parent[rb] = ra;
    else if (rb < ra) parent[ra] = rb;
  };
  const edges = new EdgeList();
  const pair = { a: 0, b: 0 };
  const neighbourAgreement = Math.ceil(neighbourJ * HASHES);
  const checkAgreement = Math.floor(nearJ * HASHES * NEAR_CHECK_SLACK);
  for (let p = 0; p < pairs.length; p += 1) {
    const code = pairs[p] as number;
    pair.a = Math.floor(code / PAIR_SPACE);
    pair.b = code - pair.a * PAIR_SPACE;
    const same = agreement(signatures, pair.a, pair.b);
    if (same < neighbourAgreement && same < checkAgreement) continue;
    // Neighbours need only the MinHash estimate; a near-duplicate (one cluster, one label) is
    // checked exactly, because a wrong cluster would put a clean row under a label conflict.
    const j = same >= checkAgreement ? jaccard(pair.a, pair.b) : same / HASHES;
    if (j >= nearJ) union(pair.a, pair.b);
    if (j >= neighbourJ || same >= neighbourAgreement) edges.push(pair, Math.max(j, same / HASHES));
  }
  for (let r = 0; r < index.rows; r += 1) {
    const original = exactOf[r] as number;
    if (original === -1) continue;
    union(original, r);
    pair.a = original;
    pair.b = r;
    edges.push(pair, 1);
  }
  const cluster = new Int32Array(index.rows);
  for (let r = 0; r < index.rows; r += 1) cluster[r] = find(r);
  return {
    exactOf,
    cluster,
    edges: { from: edges.from.subarray(0, edges.count), to: edges.to.subarray(0, edges.count), jaccard: edges.jaccard.subarray(0, edges.count), count: edges.count },
  };
}
