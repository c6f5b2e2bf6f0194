import { MAX_ROW_TOKENS, mix32 } from './token-hashes.js';
import type { LabelBuckets } from './label-buckets.js';
import type { TokenIndex } from './token-index.js';

/**
 * Row counts of word 1- to 3-grams, per label bucket, for every n-gram seen in at least
 * `minSupport` rows. A dataset of 200,000 rows holds millions of distinct n-grams, nearly all
 * seen once; counting them all exactly would cost hundreds of megabytes and a cache miss each.
 * So a first pass counts occurrences in a one-byte-per-cell sketch (over-counts only: a cell
 * shared by several n-grams holds their sum), and the exact table admits only n-grams whose cell
 * reached `minSupport` — no n-gram that reaches it in fact is ever left out.
 */
export interface NgramCounts {
  /** Table slots; a slot whose `order` field is 0 is empty. */
  readonly capacity: number;
  /** Label buckets counted per n-gram. */
  readonly width: number;
  /** Words per slot: the NGRAM_FIELDS, then `width` bucket counts. */
  readonly stride: number;
  /**
   * All slots in one array (one slot's fields share a cache line or two: the counting pass
   * touches a random slot per n-gram, and separate arrays per field would cost a miss each).
   */
  readonly data: Uint32Array;
  /** Occupied slots. */
  readonly size: number;
  /** The slot of an n-gram, or −1. */
  find(a: number, b: number): number;
  /**
   * Per row, the counted n-grams it holds (first occurrence of each): their slots, and
   * `position · 4 + order` (position of the first token in the row). Later passes read these
   * instead of hashing every n-gram of every row again.
   */
  readonly occurrences: NgramOccurrences;
}

export interface NgramOccurrences {
  /** Row r owns entries [offsets[r], offsets[r + 1]). */
  readonly offsets: Uint32Array;
  readonly slots: Uint32Array;
  readonly meta: Uint16Array;
}

/** Offsets of a slot's fields in `data` (slot · stride + field). */
export const NGRAM_FIELDS = {
  keyA: 0,
  keyB: 1,
  /** `order << 29 | (last row counted + 1)`; 0 for an empty slot. */
  mark: 2,
  /** First of the per-bucket row counts. */
  buckets: 3,
} as const;

const ROW_BITS = 0x1fffffff;

/**
 * n of the n-gram in `slot` (1–3), 0 for an empty slot.
 *
 * @example
 * ngramOrder(counts, counts.find(a, b)); // 2 for a bigram
 */
export function ngramOrder(counts: NgramCounts, slot: number): number {
  return (counts.data[slot * counts.stride + NGRAM_FIELDS.mark] as number) >>> 29;
}

/**
 * Labelled rows holding the n-gram in `slot`: the sum of its bucket counts.
 *
 * @example
 * ngramRows(counts, slot); // 40
 */
export function ngramRows(counts: NgramCounts, slot: number): number {
  const at = slot * counts.stride + NGRAM_FIELDS.buckets;
  let rows = 0;
  for (let b = 0; b < counts.width; b += 1) rows += counts.data[at + b] as number;
  return rows;
}

/**
 * The first row holding each of `slots` (−1 when none), in one pass over the occurrences.
 *
 * @example
 * const [row] = firstRows(counts, [slot]); // where to read the n-gram's words
 */
export function firstRows(counts: NgramCounts, slots: readonly number[]): number[] {
  const wanted = new Map(slots.map((slot, i) => [slot, i]));
  const first = slots.map(() => -1);
  let left = slots.length;
  const { offsets, slots: occurring } = counts.occurrences;
  for (let r = 0; r + 1 < offsets.length && left > 0; r += 1) {
    for (let k = offsets[r] as number; k < (offsets[r + 1] as number); k += 1) {
      const i = wanted.get(occurring[k] as number);
      if (i === undefined || first[i] !== -1) continue;
      first[i] = r;
      left -= 1;
    }
  }
  return first;
}

/** Per-row n-grams, written by rowNgrams into preallocated arrays. */
export interface NgramScratch {
  readonly a: Uint32Array;
  readonly b: Uint32Array;
  readonly order: Uint8Array;
  /** Index of the n-gram's first token within the row. */
  readonly position: Uint16Array;
  /** Scratch flag per n-gram. */
  readonly admitted: Uint8Array;
}

/**
 * Scratch arrays for rowNgrams, sized for the longest row (allocate once, reuse per row).
 *
 * @example
 * const scratch = createNgramScratch();
 */
export function createNgramScratch(): NgramScratch {
  const size = 3 * MAX_ROW_TOKENS;
  return { a: new Uint32Array(size), b: new Uint32Array(size), order: new Uint8Array(size), position: new Uint16Array(size), admitted: new Uint8Array(size) };
}

/**
 * The second key of a unigram (its first key is the token hash itself).
 *
 * @example
 * counts.find(token, unigramKeyB(token)); // the slot of a single word
 */
export function unigramKeyB(token: number): number {
  return mix32(token ^ 0x68e31da4);
}

/**
 * Writes the 1-, 2- and 3-grams of row `row` (two 32-bit hashes each: 64 bits, so distinct
 * n-grams practically never share a key) and returns their count.
 *
 * @example
 * const count = rowNgrams(index, 0, scratch); // scratch.a[0 .. count) and friends
 */
export function rowNgrams(index: TokenIndex, row: number, scratch: NgramScratch): number {
  const start = index.offsets[row] as number;
  const end = index.offsets[row + 1] as number;
  const { a, b, order, position } = scratch;
  let count = 0;
  let biA = 0;
  let biB = 0;
  let previous = 0;
  for (let i = start; i < end; i += 1) {
    const t = index.tokens[i] as number;
    const at = i - start;
    a[count] = t;
    b[count] = unigramKeyB(t);
    order[count] = 1;
    position[count] = at;
    count += 1;
    if (at >= 2) {
      a[count] = mix32(Math.imul(biA, 0x9e3779b1) ^ t ^ 0x2545f491);
      b[count] = mix32(Math.imul(biB, 0x85ebca77) ^ t ^ 0x5851f42d);
      order[count] = 3;
      position[count] = at - 2;
      count += 1;
    }
    if (at >= 1) {
      biA = mix32(Math.imul(previous, 0x9e3779b1) ^ t ^ 0x1b873593);
      biB = mix32(Math.imul(previous ^ 0x3c6ef372, 0xc2b2ae3d) ^ Math.imul(t, 0x27d4eb2f));
      a[count] = biA;
      b[count] = biB;
      order[count] = 2;
      position[count] = at - 1;
      count += 1;
    }
    previous = t;
  }
  return count;
}

const F = NGRAM_FIELDS;

class NgramTable implements NgramCounts {
  capacity: number;
  readonly width: number;
  readonly stride: number;
  data: Uint32Array;
  size = 0;
  occurrences: NgramOccurrences = { offsets: new Uint32Array(1), slots: new Uint32Array(0), meta: new Uint16Array(0) };
  /** After a grow: old slot → new slot. */
  remap: Int32Array | undefined;
  /** Where the cache-warming reads go, so the compiler cannot drop them. */
  touched = 0;

  constructor(capacity: number, width: number) {
    this.width = width;
    this.stride = F.buckets + width;
    this.capacity = capacity;
    this.data = new Uint32Array(capacity * this.stride);
  }

  find(a: number, b: number): number {
    const mask = this.capacity - 1;
    const { data, stride } = this;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      const at = slot * stride;
      if (data[at + F.mark] === 0) return -1;
      if (data[at + F.keyA] === a && data[at + F.keyB] === b) return slot;
    }
  }

  /** The slot of an n-gram, inserted when absent (growing the table, see `remap`). */
  slotOf(key: { a: number; b: number; order: number }): number {
    const mask = this.capacity - 1;
    const { data, stride } = this;
    for (let slot = key.a & mask; ; slot = (slot + 1) & mask) {
      const at = slot * stride;
      if (data[at + F.mark] === 0) {
        data[at + F.mark] = key.order << 29;
        data[at + F.keyA] = key.a;
        data[at + F.keyB] = key.b;
        this.size += 1;
        if (this.size * 4 > this.capacity * 3) {
          this.grow();
          return this.find(key.a, key.b);
        }
        return slot;
      }
      if (data[at + F.keyA] === key.a && data[at + F.keyB] === key.b) return slot;
    }
  }

  private grow(): void {
    const old = this.data;
    const oldCapacity = this.capacity;
    this.capacity = oldCapacity * 2;
    const mask = this.capacity - 1;
    const stride = this.stride;
    this.data = new Uint32Array(this.capacity * stride);
    this.remap = new Int32Array(oldCapacity).fill(-1);
    for (let from = 0; from < oldCapacity; from += 1) {
      const at = from * stride;
      if (old[at + F.mark] === 0) continue;
      let slot = (old[at + F.keyA] as number) & mask;
      while (this.data[slot * stride + F.mark] !== 0) slot = (slot + 1) & mask;
      this.data.set(old.subarray(at, at + stride), slot * stride);
      this.remap[from] = slot;
    }
  }
}

/** Largest minSupport a four-bit sketch cell can tell apart. */
export const MAX_MIN_SUPPORT = 15;

/**
 * Sketch cells (log2) for an index: about one per two n-gram occurrences, between 2^16 and 2^23
 * four-bit cells (4 MiB, so it stays in cache). At two occurrences a cell, a cell reaches 8 by
 * chance for well under 1% of the n-grams: few false admissions to the exact table.
 *
 * @example
 * sketchBitsFor(index); // 23 for 200,000 rows of 25 words
 */
export function sketchBitsFor(index: TokenIndex): number {
  const occurrences = index.tokens.length * 3;
  return Math.min(23, Math.max(16, Math.ceil(Math.log2(Math.max(1, occurrences))) - 1));
}

/** A range of rows to work on, [from, to). */
export interface RowRange {
  readonly index: TokenIndex;
  readonly buckets: Pick<LabelBuckets, 'ofRow' | 'names'>;
  readonly from: number;
  readonly to: number;
}

/**
 * The occurrence sketch of the labelled rows in a range: two four-bit saturating counters per
 * byte, cell = the n-gram's first key's top `bits` bits.
 *
 * @example
 * const cells = sketchRows({ index, buckets, from: 0, to: index.rows }, sketchBitsFor(index));
 */
export function sketchRows(range: RowRange, bits: number): Uint8Array {
  const { index, buckets } = range;
  const shift = 32 - bits;
  const scratch = createNgramScratch();
  const sketch = new Uint8Array(2 ** (bits - 1));
  for (let r = range.from; r < range.to; r += 1) {
    if ((buckets.ofRow[r] as number) < 0) continue;
    const count = rowNgrams(index, r, scratch);
    for (let i = 0; i < count; i += 1) {
      const cell = (scratch.a[i] as number) >>> shift;
      const byte = cell >>> 1;
      const nibble = (cell & 1) << 2;
      const value = sketch[byte] as number;
      if (((value >>> nibble) & 15) < 15) sketch[byte] = value + (1 << nibble);
    }
  }
  return sketch;
}

/**
 * Adds sketch `from` into `into`, cell by cell, saturating at 15.
 *
 * @example
 * mergeSketches(ours, theirs); // ours now counts both halves of the rows
 */
export function mergeSketches(into: Uint8Array, from: Uint8Array): void {
  for (let i = 0; i < into.length; i += 1) {
    const a = into[i] as number;
    const b = from[i] as number;
    if (b === 0) continue;
    const low = Math.min(15, (a & 15) + (b & 15));
    const high = Math.min(15, (a >>> 4) + (b >>> 4));
    into[i] = (high << 4) | low;
  }
}

/**
 * Exact counts of the n-grams of a range's labelled rows whose sketch cell reached minSupport,
 * with the range's occurrences (offsets start at the range's first row).
 *
 * @example
 * const counts = countRows({ index, buckets, from: 0, to: index.rows }, { cells, bits, minSupport: 8 });
 */
export function countRows(range: RowRange, sketch: { readonly cells: Uint8Array; readonly bits: number; readonly minSupport: number }): NgramCounts {
  const { index, buckets } = range;
  const shift = 32 - sketch.bits;
  const cells = sketch.cells;
  const minSupport = Math.max(1, Math.min(MAX_MIN_SUPPORT, sketch.minSupport));
  const scratch = createNgramScratch();
  // Sized for the cells that reached minSupport (each holds at least one admitted n-gram, or
  // several sharing it), so the table seldom has to grow.
  let passing = 0;
  for (let byte = 0; byte < cells.length; byte += 1) {
    const value = cells[byte] as number;
    if ((value & 15) >= minSupport) passing += 1;
    if (value >>> 4 >= minSupport) passing += 1;
  }
  let capacity = 1 << 12;
  while (capacity * 3 < passing * 4) capacity *= 2;
  const table = new NgramTable(capacity, buckets.names.length);
  const key = { a: 0, b: 0, order: 0 };
  const rows = range.to - range.from;
  const offsets = new Uint32Array(rows + 1);
  let sink = 0;
  const tokens = (index.offsets[range.to] as number) - (index.offsets[range.from] as number);
  // A row of n tokens has at most 3n − 3 n-grams: sized so it never grows.
  let slots = new Uint32Array(Math.max(1024, tokens * 3));
  let meta = new Uint16Array(slots.length);
  let used = 0;
  for (let r = range.from; r < range.to; r += 1) {
    const bucket = buckets.ofRow[r] as number;
    const count = bucket < 0 ? 0 : rowNgrams(index, r, scratch);
    if (used + count > slots.length) {
      const grownSlots = new Uint32Array(Math.max(slots.length * 2, used + count));
      grownSlots.set(slots.subarray(0, used));
      slots = grownSlots;
      const grownMeta = new Uint16Array(grownSlots.length);
      grownMeta.set(meta.subarray(0, used));
      meta = grownMeta;
    }
    const mark = r + 1;
    // Latency, not work, bounds this loop: each n-gram is a random access into a table larger
    // than the caches. Reading every admitted n-gram's home slot first, in a loop whose loads do
    // not depend on each other, lets the processor fetch them in parallel; the probing loop
    // below then finds them in cache.
    let admitted = 0;
    const tableMask = table.capacity - 1;
    const tableData = table.data;
    for (let i = 0; i < count; i += 1) {
      const cell = (scratch.a[i] as number) >>> shift;
      const pass = (((cells[cell >>> 1] as number) >>> ((cell & 1) << 2)) & 15) >= minSupport;
      scratch.admitted[i] = pass ? 1 : 0;
      if (pass) admitted ^= tableData[((scratch.a[i] as number) & tableMask) * table.stride] as number;
    }
    sink ^= admitted;
    for (let i = 0; i < count; i += 1) {
      if (scratch.admitted[i] === 0) continue;
      key.a = scratch.a[i] as number;
      key.b = scratch.b[i] as number;
      key.order = scratch.order[i] as number;
      const before = table.capacity;
      const slot = table.slotOf(key);
      if (table.capacity !== before) {
        const remap = table.remap as Int32Array;
        for (let k = 0; k < used; k += 1) slots[k] = remap[slots[k] as number] as number;
      }
      const at = slot * table.stride;
      const data = table.data;
      const stamp = data[at + F.mark] as number;
      if ((stamp & ROW_BITS) === mark) continue;
      data[at + F.mark] = (stamp & ~ROW_BITS) | mark;
      data[at + F.buckets + bucket] = (data[at + F.buckets + bucket] as number) + 1;
      slots[used] = slot;
      meta[used] = (scratch.position[i] as number) * 4 + key.order;
      used += 1;
    }
    offsets[r - range.from + 1] = used;
  }
  table.remap = undefined;
  table.touched = sink;
  table.occurrences = { offsets, slots: slots.subarray(0, used), meta: meta.subarray(0, used) };
  return table;
}

/** The arrays of a counts table, to send to or from a worker thread. */
export interface NgramCountsParts {
  readonly capacity: number;
  readonly width: number;
  readonly size: number;
  readonly data: Uint32Array;
  readonly offsets: Uint32Array;
  readonly slots: Uint32Array;
  readonly meta: Uint16Array;
}

/**
 * The typed arrays of a counts table (to post to another thread, transferring their buffers).
 *
 * @example
 * worker.postMessage(countsToParts(counts));
 */
export function countsToParts(counts: NgramCounts): NgramCountsParts {
  const { offsets, slots, meta } = counts.occurrences;
  return { capacity: counts.capacity, width: counts.width, size: counts.size, data: counts.data, offsets, slots, meta };
}

/**
 * A counts table again, from the arrays of countsToParts.
 *
 * @example
 * const counts = countsFromParts(message);
 */
export function countsFromParts(parts: NgramCountsParts): NgramCounts {
  const table = new NgramTable(parts.capacity, parts.width);
  table.data = parts.data;
  table.size = parts.size;
  table.occurrences = { offsets: parts.offsets, slots: parts.slots, meta: parts.meta };
  return table;
}

/**
 * Counts of two consecutive row ranges as one: `second`'s n-grams are added into `first` (which
 * is reused), its occurrences appended with their slots renumbered.
 *
 * @example
 * const all = mergeCounts(countRows(firstHalf, sketch), countRows(secondHalf, sketch));
 */
export function mergeCounts(first: NgramCounts, second: NgramCounts): NgramCounts {
  const table = (first instanceof NgramTable ? first : countsFromParts(countsToParts(first))) as NgramTable;
  const renumber = new Int32Array(second.capacity).fill(-1);
  const key = { a: 0, b: 0, order: 0 };
  const { data: other, stride } = second;
  const own = table.occurrences.slots;
  for (let slot = 0; slot < second.capacity; slot += 1) {
    const at = slot * stride;
    const mark = other[at + F.mark] as number;
    if (mark === 0) continue;
    key.a = other[at + F.keyA] as number;
    key.b = other[at + F.keyB] as number;
    key.order = mark >>> 29;
    const before = table.capacity;
    const into = table.slotOf(key);
    if (table.capacity !== before) {
      // Rare: both halves were sized for the whole set's n-grams. Renumber what points into the table.
      const remap = table.remap as Int32Array;
      for (let k = 0; k < own.length; k += 1) own[k] = remap[own[k] as number] as number;
      for (let s = 0; s < slot; s += 1) if ((renumber[s] as number) >= 0) renumber[s] = remap[renumber[s] as number] as number;
      table.remap = undefined;
    }
    renumber[slot] = into;
    const target = into * stride + F.buckets;
    for (let b = 0; b < table.width; b += 1) table.data[target + b] = (table.data[target + b] as number) + (other[at + F.buckets + b] as number);
  }
  const a = table.occurrences;
  const b = second.occurrences;
  const used = a.slots.length;
  const slots = new Uint32Array(used + b.slots.length);
  slots.set(a.slots);
  for (let k = 0; k < b.slots.length; k += 1) slots[used + k] = renumber[b.slots[k] as number] as number;
  const meta = new Uint16Array(slots.length);
  meta.set(a.meta);
  meta.set(b.meta, used);
  const rowsA = a.offsets.length - 1;
  const offsets = new Uint32Array(rowsA + b.offsets.length);
  offsets.set(a.offsets);
  for (let r = 1; r < b.offsets.length; r += 1) offsets[rowsA + r] = used + (b.offsets[r] as number);
  table.occurrences = { offsets, slots, meta };
  return table;
}

/**
 * Counts the n-grams of every labelled row (see NgramCounts), in this thread.
 *
 * @example
 * const counts = countNgrams({ index, buckets, minSupport: 8 });
 */
export function countNgrams(input: { readonly index: TokenIndex; readonly buckets: LabelBuckets; readonly minSupport: number }): NgramCounts {
  const range = { index: input.index, buckets: input.buckets, from: 0, to: input.index.rows };
  const bits = sketchBitsFor(input.index);
  return countRows(range, { cells: sketchRows(range, bits), bits, minSupport: input.minSupport });
}
