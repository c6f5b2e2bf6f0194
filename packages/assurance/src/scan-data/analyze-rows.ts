import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { findBackdoorTriggers, type TriggerAnalysis, type TriggerOptions, TRIGGER_DEFAULTS } from './backdoor-triggers.js';
import { labelBuckets, type LabelBuckets } from './label-buckets.js';
import { countRows, countsFromParts, mergeCounts, mergeSketches, sketchBitsFor, sketchRows, type NgramCounts, type NgramCountsParts } from './ngram-counts.js';
import { findDuplicates, type DuplicateAnalysis, type DuplicateOptions } from './near-duplicates.js';
import type { JoinedRows, TokenizedPart, WorkerRequest, WorkerResult } from './scan-data-worker.js';
import { buildTokenIndex, concatTokenIndexes, type TokenIndex } from './token-index.js';

/**
 * The duplicate and trigger analyses, on two threads when the machine has two cores and the set
 * is large enough to pay for a worker's start: each thread tokenizes and counts n-grams over
 * half of the rows (indexes concatenated, sketches and tables merged), then the worker finds
 * duplicates while this thread tests the n-grams and estimates the rest of each row. Both paths give the same findings; the single-
 * thread path also runs where the worker's compiled file is absent (tests run the sources).
 */
export interface RowAnalysisInput {
  readonly texts: readonly string[];
  /** Input part of each row for the trigger analysis; pass `texts` itself when they are the same. */
  readonly inputs: readonly string[];
  readonly labels: readonly (string | undefined)[];
  readonly triggers?: TriggerOptions;
  readonly duplicates?: DuplicateOptions;
  /** Threads to use (default: 2 when the machine has two cores or more). */
  readonly threads?: number;
}

export interface RowAnalysis {
  readonly textIndex: TokenIndex;
  readonly inputIndex: TokenIndex;
  readonly buckets: LabelBuckets;
  readonly duplicates: DuplicateAnalysis;
  /** Undefined when no row has a label. */
  readonly triggers: TriggerAnalysis | undefined;
}

/** Below this many rows a worker's start (tens of milliseconds) costs more than it saves. */
export const PARALLEL_MIN_ROWS = 20_000;
const WORKER_FILE = new URL('./scan-data-worker.js', import.meta.url);

interface WorkerClient {
  request(message: DistributiveOmit<WorkerRequest, 'id'>, transfer?: ArrayBuffer[]): Promise<WorkerResult>;
  close(): Promise<void>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function startWorker(): WorkerClient {
  const worker = new Worker(fileURLToPath(WORKER_FILE));
  let next = 0;
  const pending = new Map<number, { resolve: (value: WorkerResult) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', (reply: { id: number; result?: WorkerResult; error?: string }) => {
    const entry = pending.get(reply.id);
    if (entry === undefined) return;
    pending.delete(reply.id);
    if (reply.error !== undefined) entry.reject(new Error(`scan-data worker: ${reply.error}`));
    else entry.resolve(reply.result ?? null);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`scan-data worker exited with code ${code}`)));
  return {
    request(message, transfer = []) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...message, id }, transfer);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** Rows as one string for the worker (see buildTokenIndexFromJoined). */
function joinRows(rows: readonly string[]): JoinedRows {
  return { joined: rows.join('\n'), lengths: Uint32Array.from(rows, (row) => row.length) };
}

/** The row splitting the texts into two runs of about equal character counts. */
function middleText(texts: readonly string[]): number {
  let total = 0;
  for (const text of texts) total += text.length;
  let seen = 0;
  for (let i = 0; i < texts.length; i += 1) {
    seen += (texts[i] as string).length;
    if (seen * 2 >= total) return i + 1;
  }
  return texts.length;
}

/** The row splitting the index into two halves of about equal token counts. */
function middleRow(index: TokenIndex): number {
  const half = (index.offsets[index.rows] as number) / 2;
  let low = 0;
  let high = index.rows;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((index.offsets[mid] as number) < half) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Counts n-grams over both halves of the rows at once and merges the results. */
async function countInParallel(input: { worker: WorkerClient; index: TokenIndex; buckets: LabelBuckets; minSupport: number; then: () => void }): Promise<NgramCounts> {
  const { worker, index, buckets, minSupport } = input;
  const middle = middleRow(index);
  const bits = sketchBitsFor(index);
  const first = { index, buckets, from: 0, to: middle };
  const theirSketch = worker.request({ type: 'sketch', from: middle, to: index.rows, bits });
  const cells = sketchRows(first, bits);
  mergeSketches(cells, (await theirSketch) as Uint8Array);
  const theirCounts = worker.request({ type: 'count', from: middle, to: index.rows, cells: cells.slice(), bits, minSupport });
  input.then();
  const ours = countRows(first, { cells, bits, minSupport });
  return mergeCounts(ours, countsFromParts((await theirCounts) as NgramCountsParts));
}

/**
 * Tokenizes, finds duplicates and backdoor-trigger candidates.
 *
 * @example
 * const { duplicates, triggers } = await analyzeRows({ texts, inputs: texts, labels });
 */
export async function analyzeRows(input: RowAnalysisInput): Promise<RowAnalysis> {
  const { texts, labels } = input;
  const buckets = labelBuckets(labels);
  const threads = input.threads ?? Math.min(2, availableParallelism());
  const labelled = buckets.labelled > 0;
  const triggerOptions = { ...TRIGGER_DEFAULTS, ...input.triggers };
  const sameInputs = input.inputs === texts;
  if (threads < 2 || texts.length < PARALLEL_MIN_ROWS || !existsSync(fileURLToPath(WORKER_FILE))) {
    const textIndex = buildTokenIndex(texts);
    const inputIndex = sameInputs ? textIndex : buildTokenIndex(input.inputs);
    const duplicates = findDuplicates(textIndex, input.duplicates);
    const triggers = labelled ? findBackdoorTriggers({ index: inputIndex, texts: input.inputs, buckets, options: triggerOptions }) : undefined;
    return { textIndex, inputIndex, buckets, duplicates, triggers };
  }
  const worker = startWorker();
  try {
    // Tokenizing, split at the middle character: the worker takes the last rows.
    const split = middleText(texts);
    const tail = worker.request({ type: 'tokenize', texts: joinRows(texts.slice(split)), inputs: sameInputs ? undefined : joinRows(input.inputs.slice(split)) });
    const headText = buildTokenIndex(texts.slice(0, split));
    const headInput = sameInputs ? undefined : buildTokenIndex(input.inputs.slice(0, split));
    const loaded = worker.request({ type: 'load', text: headText, input: headInput, ofRow: buckets.ofRow, names: buckets.names });
    const theirs = (await tail) as TokenizedPart;
    const textIndex = concatTokenIndexes(headText, theirs.text);
    const inputIndex = headInput === undefined || theirs.input === undefined ? textIndex : concatTokenIndexes(headInput, theirs.input);
    await loaded;
    // The worker takes the duplicates as soon as it is done with its half of the counting, while
    // this thread merges the counts and runs the tests.
    let duplicates: Promise<WorkerResult> | undefined;
    const queueDuplicates = () => {
      duplicates = worker.request({ type: 'duplicates', options: input.duplicates ?? {} });
      // Settled below; without this a throw in the trigger analysis would leave it unhandled.
      duplicates.catch(() => undefined);
    };
    const counts = labelled ? await countInParallel({ worker, index: inputIndex, buckets, minSupport: triggerOptions.minSupport, then: queueDuplicates }) : undefined;
    if (duplicates === undefined) queueDuplicates();
    const triggers = counts === undefined ? undefined : findBackdoorTriggers({ index: inputIndex, texts: input.inputs, buckets, options: triggerOptions, counts });
    return { textIndex, inputIndex, buckets, duplicates: (await (duplicates as Promise<WorkerResult>)) as DuplicateAnalysis, triggers };
  } finally {
    await worker.close();
  }
}
