import { parentPort } from 'node:worker_threads';
import { countRows, countsToParts, sketchRows, type NgramCountsParts } from './ngram-counts.js';
import { findDuplicates, type DuplicateAnalysis, type DuplicateOptions } from './near-duplicates.js';
import { buildTokenIndexFromJoined, concatTokenIndexes, type TokenIndex } from './token-index.js';

/**
 * The second thread of analyzeRows: it tokenizes the last rows while the calling thread
 * tokenizes the first, receives the first rows' indexes, then counts n-grams over its half of
 * the rows and finds duplicates while the calling thread works on the rest. Stateless beyond
 * those indexes; the counting and duplicate replies transfer their buffers (no copy back).
 */
export type WorkerRequest =
  | { readonly id: number; readonly type: 'tokenize'; readonly texts: JoinedRows; readonly inputs: JoinedRows | undefined }
  | { readonly id: number; readonly type: 'load'; readonly text: TokenIndex; readonly input: TokenIndex | undefined; readonly ofRow: Int8Array; readonly names: readonly string[] }
  | { readonly id: number; readonly type: 'sketch'; readonly from: number; readonly to: number; readonly bits: number }
  | { readonly id: number; readonly type: 'count'; readonly from: number; readonly to: number; readonly cells: Uint8Array; readonly bits: number; readonly minSupport: number }
  | { readonly id: number; readonly type: 'duplicates'; readonly options: DuplicateOptions };

export type WorkerResult = null | Uint8Array | NgramCountsParts | DuplicateAnalysis | TokenizedPart;

/** Rows as one string joined by a separator character, and each row's length. */
export interface JoinedRows {
  readonly joined: string;
  readonly lengths: Uint32Array;
}

/** The worker's share of the tokenizing: the last rows' indexes. */
export interface TokenizedPart {
  readonly text: TokenIndex;
  readonly input: TokenIndex | undefined;
}

interface State {
  text: TokenIndex;
  input: TokenIndex;
  buckets: { ofRow: Int8Array; names: readonly string[] };
}

let state: State | undefined;
let tail: TokenizedPart | undefined;

function handle(request: WorkerRequest): { result: WorkerResult; transfer: ArrayBuffer[] } {
  if (request.type === 'tokenize') {
    tail = { text: buildTokenIndexFromJoined(request.texts), input: request.inputs === undefined ? undefined : buildTokenIndexFromJoined(request.inputs) };
    // Copied back, not transferred: this thread keeps its own for the duplicates.
    return { result: tail, transfer: [] };
  }
  if (request.type === 'load') {
    // The calling thread sends the first rows' indexes; with the tail tokenized here, they make the whole.
    const text = tail === undefined ? request.text : concatTokenIndexes(request.text, tail.text);
    const input = request.input === undefined ? undefined : tail?.input === undefined ? request.input : concatTokenIndexes(request.input, tail.input);
    tail = undefined;
    state = { text, input: input ?? text, buckets: { ofRow: request.ofRow, names: request.names } };
    return { result: null, transfer: [] };
  }
  if (state === undefined) throw new Error('scan-data worker: no index loaded');
  const range = { index: state.input, buckets: state.buckets, from: 0, to: 0 };
  if (request.type === 'sketch') {
    const sketch = sketchRows({ ...range, from: request.from, to: request.to }, request.bits);
    return { result: sketch, transfer: [sketch.buffer as ArrayBuffer] };
  }
  if (request.type === 'count') {
    const parts = countsToParts(countRows({ ...range, from: request.from, to: request.to }, { cells: request.cells, bits: request.bits, minSupport: request.minSupport }));
    return { result: parts, transfer: [parts.data.buffer, parts.offsets.buffer, parts.slots.buffer, parts.meta.buffer] as ArrayBuffer[] };
  }
  const duplicates = findDuplicates(state.text, request.options);
  const { exactOf, cluster, edges } = duplicates;
  return { result: duplicates, transfer: [exactOf.buffer, cluster.buffer, edges.from.buffer, edges.to.buffer, edges.jaccard.buffer] as ArrayBuffer[] };
}

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    const { result, transfer } = handle(request);
    parentPort?.postMessage({ id: request.id, result }, transfer);
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
