/**
 * Text → sparse hashed features, the n-gram half of the classifier's input: lowercased word
 * unigrams and bigrams, and character 3- to 5-grams inside each word (with word boundaries),
 * hashed into a fixed number of buckets (the "hashing trick": no vocabulary to ship, unseen
 * words still share character n-grams with seen ones, e.g. "keyloggr" with "keylogger").
 * Each group is L2-normalized on its own so long prompts and short ones score alike.
 */
export interface SparseVector {
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

/** A word token: letters and digits, with inner apostrophes, dots or hyphens. */
const WORD = /[\p{L}\p{N}]+(?:['’.\-_][\p{L}\p{N}]+)*/gu;
/** Tokens past this count are ignored: a 1 MB prompt must not cost a 1 MB scan here. */
export const MAX_TOKENS = 2048;

export function wordTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) {
    tokens.push(match[0]);
    if (tokens.length === MAX_TOKENS) break;
  }
  return tokens;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units, seeded so different feature groups use different buckets. */
function hashString(text: string, seed: number, range: readonly [number, number] = [0, text.length]): number {
  let hash = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = range[0]; i < range[1]; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

const SEED_WORD = 0x9e37;
const SEED_BIGRAM = 0x7f4a;
const SEED_CHAR = 0x3c6e;
const MIN_CHAR_GRAM = 3;
const MAX_CHAR_GRAM = 5;

/**
 * Features of one text, hashed into `buckets` (a power of two). Words and bigrams form one
 * group, character n-grams (when `charGrams`) another; both are binary (presence), then
 * L2-normalized. Character n-grams are a model option: on the held-out split they measured
 * worse (they let the model learn the writing style of a source instead of its intent).
 */
export function hashFeatures(tokens: readonly string[], buckets: number, charGrams: boolean): SparseVector {
  const mask = buckets - 1;
  const words = new Set<number>();
  const chars = new Set<number>();
  let previous: string | undefined;
  for (const token of tokens) {
    words.add(hashString(token, SEED_WORD) & mask);
    if (previous !== undefined) words.add(hashString(`${previous} ${token}`, SEED_BIGRAM) & mask);
    previous = token;
    if (!charGrams) continue;
    const bounded = ` ${token} `;
    for (let n = MIN_CHAR_GRAM; n <= MAX_CHAR_GRAM; n += 1) {
      for (let i = 0; i + n <= bounded.length; i += 1) chars.add(hashString(bounded, SEED_CHAR + n, [i, i + n]) & mask);
    }
  }
  // The length band is a word feature: with only a few words the rest of the input says little,
  // and without it a greeting scored like whatever short rows dominated the training data.
  words.add(hashString(`__len_${lengthBand(tokens.length)}`, SEED_WORD) & mask);
  // A bucket hit by both groups gets both weights (summed below).
  const weights = new Map<number, number>();
  const wordWeight = words.size === 0 ? 0 : 1 / Math.sqrt(words.size);
  const charWeight = chars.size === 0 ? 0 : 1 / Math.sqrt(chars.size);
  for (const index of words) weights.set(index, (weights.get(index) ?? 0) + wordWeight);
  for (const index of chars) weights.set(index, (weights.get(index) ?? 0) + charWeight);
  const indices = new Uint32Array(weights.size);
  const values = new Float32Array(weights.size);
  let k = 0;
  for (const [index, value] of weights) {
    indices[k] = index;
    values[k] = value;
    k += 1;
  }
  return { indices, values };
}

function lengthBand(count: number): number {
  if (count <= 2) return 0;
  if (count <= 5) return 1;
  if (count <= 12) return 2;
  if (count <= 40) return 3;
  return count <= 150 ? 4 : 5;
}
