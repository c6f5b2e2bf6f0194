import { readFileSync } from 'node:fs';
import { UserError } from '../errors/rampart-error.js';
import { hashFeatures, wordTokens, type SparseVector } from './hash-features.js';
import { decodeModelFile, type Blob } from './model-file.js';
import { oodReasons, oodStats, type OodReason, type OodThresholds, type VocabularyCounts } from './ood.js';
import { createWordVectors, decodeWords, type WordVectors } from './word-vectors.js';

/**
 * The trained request classifier: two linear heads over the same input (hashed word and
 * character n-grams, plus pooled pretrained word vectors: their mean and, with `mean-max`
 * pooling, their per-dimension maximum, which keeps one strongly-loaded word from being diluted
 * by a long benign framing).
 * - The risk head gives P(malicious), calibrated on a held calibration split (Platt scaling).
 * - The category head says which taxonomy category a malicious request falls in.
 * Plus out-of-distribution signals, so the policy can send what the model cannot vouch for to a
 * human instead of trusting a meaningless score.
 */
export interface ClassifierHeader {
  readonly format: 'rampart-classifier';
  readonly version: 2;
  /** Hashed feature buckets of the risk head (a power of two). */
  readonly buckets: number;
  /** Hashed feature buckets of the category head (a power of two, ≤ buckets). */
  readonly categoryBuckets: number;
  /** Whether character 3–5-grams are features (see hashFeatures). */
  readonly charGrams: boolean;
  readonly dims: number;
  /** How word vectors are pooled into the dense input (width dims, or 2·dims for mean-max). */
  readonly pooling: 'mean' | 'mean-max';
  readonly categories: readonly string[];
  readonly risk: { readonly hashedScale: number; readonly bias: number };
  readonly category: { readonly hashedScale: number };
  /** Platt scaling: P = sigmoid(a · logit + b). */
  readonly calibration: { readonly a: number; readonly b: number };
  /** Calibrated-probability cut points chosen on the calibration split. */
  readonly thresholds: { readonly high: number; readonly uncertain: number; readonly oodRisk: number };
  readonly ood: OodThresholds;
  /** How the model was made: seed, data hash, figures on the held-out split. */
  readonly training: Readonly<Record<string, unknown>>;
}

export interface ModelWeights {
  readonly header: ClassifierHeader;
  readonly vectors: WordVectors;
  /** Risk head: hashed weights (dequantized on load) and dense weights. */
  readonly riskHashed: Float32Array;
  readonly riskDense: Float32Array;
  /** Category head: row-major [category][bucket] and [category][dim]. */
  readonly categoryHashed: Float32Array;
  readonly categoryDense: Float32Array;
  readonly categoryBias: Float32Array;
}

export interface TextFeatures {
  readonly sparse: SparseVector;
  readonly dense: Float32Array;
  /** Alphabetic words and how many lack a word vector (an out-of-distribution signal). */
  readonly vocabulary: VocabularyCounts;
}

/** A word for the unknown-word rate: letters only, two or more (not numbers, codes or initials). */
const ALPHA_WORD = /^\p{L}{2,}$/u;

export interface TextScore {
  /** Uncalibrated logit of the risk head. */
  readonly logit: number;
  /** Calibrated P(malicious). */
  readonly risk: number;
  /** Most likely taxonomy category if the request is malicious, and its probability. */
  readonly category: string;
  readonly categoryProbability: number;
  /** Why the text is out of distribution; empty when it is not. */
  readonly ood: readonly OodReason[];
}

export interface TextClassifier {
  readonly header: ClassifierHeader;
  /** Model file SHA-256 (of the weights), for audit records and pinning. */
  readonly modelHash: string;
  score(text: string): TextScore;
}

/** Width of the dense input: the word-vector dimensions once per pooling. */
export function denseWidth(header: Pick<ClassifierHeader, 'dims' | 'pooling'>): number {
  return header.pooling === 'mean-max' ? 2 * header.dims : header.dims;
}

export function featurize(text: string, weights: Pick<ModelWeights, 'header' | 'vectors'>): TextFeatures {
  const tokens = wordTokens(text);
  const { dims } = weights.header;
  const dense = new Float32Array(denseWidth(weights.header));
  const withMax = weights.header.pooling === 'mean-max';
  if (withMax) dense.fill(-Infinity, dims);
  let known = 0;
  let words = 0;
  let unknown = 0;
  for (const token of tokens) {
    const row = weights.vectors.indexOf(token);
    const alphabetic = ALPHA_WORD.test(token);
    if (alphabetic) words += 1;
    if (row === -1) {
      if (alphabetic) unknown += 1;
      continue;
    }
    weights.vectors.pool(dense, row);
    known += 1;
  }
  if (known > 0) for (let d = 0; d < dims; d += 1) dense[d] = (dense[d] as number) / known;
  else if (withMax) dense.fill(0, dims);
  return { sparse: hashFeatures(tokens, weights.header.buckets, weights.header.charGrams), dense, vocabulary: { words, unknown } };
}

export function riskLogit(features: TextFeatures, weights: Pick<ModelWeights, 'header' | 'riskHashed' | 'riskDense'>): number {
  let z = weights.header.risk.bias;
  const { indices, values } = features.sparse;
  for (let k = 0; k < indices.length; k += 1) z += (weights.riskHashed[indices[k] as number] as number) * (values[k] as number);
  for (let d = 0; d < features.dense.length; d += 1) z += (weights.riskDense[d] as number) * (features.dense[d] as number);
  return z;
}

export function categoryProbabilities(features: TextFeatures, weights: Pick<ModelWeights, 'header' | 'categoryHashed' | 'categoryDense' | 'categoryBias'>): Float32Array {
  const { categories, categoryBuckets } = weights.header;
  const width = denseWidth(weights.header);
  const mask = categoryBuckets - 1;
  const logits = Float32Array.from(weights.categoryBias);
  const { indices, values } = features.sparse;
  for (let c = 0; c < categories.length; c += 1) {
    let z = logits[c] as number;
    const hashedBase = c * categoryBuckets;
    for (let k = 0; k < indices.length; k += 1) z += (weights.categoryHashed[hashedBase + ((indices[k] as number) & mask)] as number) * (values[k] as number);
    const denseBase = c * width;
    for (let d = 0; d < width; d += 1) z += (weights.categoryDense[denseBase + d] as number) * (features.dense[d] as number);
    logits[c] = z;
  }
  return softmax(logits);
}

export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z);
  let sum = 0;
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i += 1) {
    out[i] = Math.exp((logits[i] as number) - max);
    sum += out[i] as number;
  }
  for (let i = 0; i < out.length; i += 1) out[i] = (out[i] as number) / sum;
  return out;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function calibrated(logit: number, header: Pick<ClassifierHeader, 'calibration'>): number {
  return sigmoid(header.calibration.a * logit + header.calibration.b);
}

export function classifierFromWeights(weights: ModelWeights, modelHash: string): TextClassifier {
  return {
    header: weights.header,
    modelHash,
    score(text) {
      const features = featurize(text, weights);
      const logit = riskLogit(features, weights);
      const probabilities = categoryProbabilities(features, weights);
      let best = 0;
      for (let c = 1; c < probabilities.length; c += 1) if ((probabilities[c] as number) > (probabilities[best] as number)) best = c;
      return {
        logit,
        risk: calibrated(logit, weights.header),
        category: weights.header.categories[best] as string,
        categoryProbability: probabilities[best] as number,
        ood: oodReasons(oodStats(text, features.vocabulary), weights.header.ood),
      };
    },
  };
}

/** Loads a model file; throws `RAMPART_E_MODEL_INVALID` (missing, truncated, corrupt). */
export function loadClassifier(path: string): TextClassifier {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserError('RAMPART_E_MODEL_INVALID', `Classifier model ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return decodeClassifier(bytes, path);
}

export function decodeClassifier(bytes: Buffer, source: string): TextClassifier {
  const { header, blobs } = decodeModelFile<ClassifierHeader & { sha256: string }>(bytes, source);
  const fail = (why: string): never => {
    throw new UserError('RAMPART_E_MODEL_INVALID', `Classifier model ${source} is unusable: ${why}`);
  };
  if (header.format !== 'rampart-classifier' || header.version !== 2) fail(`unsupported format ${String(header.format)} v${String(header.version)}`);
  /** The blob, checked for its type and, when given, its length. */
  const blob = <T extends Blob>(name: string, type: abstract new (...args: never[]) => T, length?: number): T => {
    const value = blobs.get(name);
    if (!(value instanceof type) || (length !== undefined && value.length !== length)) fail(`blob ${name} is missing or has the wrong size`);
    return value as T;
  };
  const { buckets, categoryBuckets, dims, categories } = header;
  if (header.pooling !== 'mean' && header.pooling !== 'mean-max') fail(`unknown pooling ${String(header.pooling)}`);
  const width = denseWidth(header);
  const words = decodeWords(blob('words', Uint8Array));
  const vectors = createWordVectors({ words, vectors: blob('vectors', Int8Array, words.length * dims), scales: blob('scales', Float32Array, words.length), dims });
  const dequantize = (data: Int8Array, scale: number): Float32Array => Float32Array.from(data, (v) => v * scale);
  const weights: ModelWeights = {
    header,
    vectors,
    riskHashed: dequantize(blob('risk.hashed', Int8Array, buckets), header.risk.hashedScale),
    riskDense: blob('risk.dense', Float32Array, width),
    categoryHashed: dequantize(blob('category.hashed', Int8Array, categories.length * categoryBuckets), header.category.hashedScale),
    categoryDense: blob('category.dense', Float32Array, categories.length * width),
    categoryBias: blob('category.bias', Float32Array, categories.length),
  };
  return classifierFromWeights(weights, header.sha256);
}
