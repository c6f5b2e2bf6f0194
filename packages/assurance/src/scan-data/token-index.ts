import { lowerRangeTokenHashes, MAX_ROW_TOKENS } from './token-hashes.js';

/**
 * Every row's token hashes in one flat array (compressed sparse rows): row `r` owns
 * `tokens[offsets[r] .. offsets[r + 1])`. One allocation for the whole dataset instead of an
 * array per row, so the passes over it stay in typed memory.
 */
export interface TokenIndex {
  readonly rows: number;
  readonly offsets: Uint32Array;
  readonly tokens: Uint32Array;
}

/** Characters lowercased in one call when tokenizing (bounds the temporary strings). */
const CHUNK_CHARS = 4 * 1024 * 1024;

/** Grows an index under construction. */
class IndexBuilder {
  offsets: Uint32Array;
  tokens: Uint32Array;
  rows = 0;
  private readonly scratch = new Uint32Array(MAX_ROW_TOKENS);

  constructor(rows: number, tokens: number) {
    this.offsets = new Uint32Array(rows + 1);
    this.tokens = new Uint32Array(Math.max(1024, tokens));
  }

  /** Adds the rows of `lower` (rows joined by one separator character) of the given lengths. */
  add(lower: string, lengths: ArrayLike<number>): void {
    let at = 0;
    let used = this.offsets[this.rows] as number;
    for (let i = 0; i < lengths.length; i += 1) {
      const length = lengths[i] as number;
      const count = lowerRangeTokenHashes(lower, { start: at, end: at + length }, this.scratch);
      at += length + 1;
      if (used + count > this.tokens.length) {
        const grown = new Uint32Array(Math.max(this.tokens.length * 2, used + count));
        grown.set(this.tokens.subarray(0, used));
        this.tokens = grown;
      }
      this.tokens.set(this.scratch.subarray(0, count), used);
      used += count;
      this.rows += 1;
      this.offsets[this.rows] = used;
    }
  }

  build(): TokenIndex {
    return { rows: this.rows, offsets: this.offsets, tokens: this.tokens.subarray(0, this.offsets[this.rows] as number) };
  }
}

/**
 * Tokenizes every text once. Texts are joined by line breaks a few megabytes at a time and
 * lowercased per chunk (a break keeps case rules such as the Greek final sigma from reaching
 * across rows).
 *
 * @example
 * const index = buildTokenIndex(['a b c', 'b c d']);
 * index.offsets; // Uint32Array [0, 3, 6]
 */
export function buildTokenIndex(texts: readonly string[]): TokenIndex {
  const builder = new IndexBuilder(texts.length, texts.length * 32);
  let from = 0;
  while (from < texts.length) {
    let to = from;
    let chars = 0;
    while (to < texts.length && (to === from || chars < CHUNK_CHARS)) chars += (texts[to++] as string).length + 1;
    const chunk = texts.slice(from, to);
    builder.add(chunk.join('\n').toLowerCase(), chunk.map((text) => text.length));
    from = to;
  }
  return builder.build();
}

/**
 * Tokenizes rows sent as one string (joined by one separator character) with their lengths:
 * how the worker thread receives its share (one string copies much faster between threads than
 * a hundred thousand).
 *
 * @example
 * buildTokenIndexFromJoined({ joined: 'a b\nc', lengths: Uint32Array.of(3, 1) }).rows; // 2
 */
export function buildTokenIndexFromJoined(input: { readonly joined: string; readonly lengths: Uint32Array }): TokenIndex {
  const { joined, lengths } = input;
  const builder = new IndexBuilder(lengths.length, lengths.length * 32);
  let row = 0;
  let at = 0;
  while (row < lengths.length) {
    let to = row;
    let chars = 0;
    while (to < lengths.length && (to === row || chars < CHUNK_CHARS)) chars += (lengths[to++] as number) + 1;
    builder.add(joined.slice(at, at + chars).toLowerCase(), lengths.subarray(row, to));
    at += chars;
    row = to;
  }
  return builder.build();
}

/**
 * One index from the indexes of two consecutive runs of rows (tokenized on two threads).
 *
 * @example
 * concatTokenIndexes(buildTokenIndex(texts.slice(0, m)), buildTokenIndex(texts.slice(m)));
 */
export function concatTokenIndexes(first: TokenIndex, second: TokenIndex): TokenIndex {
  const base = first.offsets[first.rows] as number;
  const offsets = new Uint32Array(first.rows + second.rows + 1);
  offsets.set(first.offsets);
  for (let r = 1; r <= second.rows; r += 1) offsets[first.rows + r] = base + (second.offsets[r] as number);
  const tokens = new Uint32Array(base + (second.offsets[second.rows] as number));
  tokens.set(first.tokens.subarray(0, base));
  tokens.set(second.tokens.subarray(0, second.offsets[second.rows] as number), base);
  return { rows: first.rows + second.rows, offsets, tokens };
}
