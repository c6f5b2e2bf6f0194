import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SystemError, UserError } from '@rampart/core';
import { hashWorkerMain, type HashBatch, type HashTask, type HashTaskResult } from './hash-worker-main.js';

/** A task plus what the scheduler and error messages need. */
export interface SizedHashTask extends HashTask {
  /** Bytes the task covers, for scheduling (largest first). */
  readonly size: number;
  /** The name shown in errors (relative path or shard name). */
  readonly label: string;
}

export interface HashTasksOptions {
  /** Worker threads; default: available cores, at most 8. */
  readonly workers?: number;
}

// Small files travel to the workers in batches so a tree of many small files does not pay a
// message round trip per file; large ones go alone so the workers share them out evenly.
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_TASKS = 256;
const MAX_DEFAULT_WORKERS = 8;

/** The default pool size: one worker per core, at most 8 (beyond that the disk is the limit). */
export function defaultHashWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_WORKERS));
}

/**
 * SHA-256 of every task's byte range, computed in parallel on a small pool of worker threads, so
 * the event loop stays free (the gateway can verify a model folder while serving) and large files
 * cut into shards use every core. Results come back in task order. The pool lives for one call.
 *
 * @example
 * const [a] = await hashTasks([{ path: '/m/w.bin', start: 0, end: -1, dev, ino, size, label: 'w.bin' }]);
 */
export async function hashTasks(tasks: readonly SizedHashTask[], options: HashTasksOptions = {}): Promise<Array<{ digest: string; bytes: number }>> {
  const batches = planBatches(tasks);
  const results: Array<{ digest: string; bytes: number } | undefined> = new Array(tasks.length);
  if (batches.length === 0) return [];
  const wanted = options.workers !== undefined && Number.isInteger(options.workers) && options.workers > 0 ? options.workers : defaultHashWorkers();
  const poolSize = Math.min(wanted, batches.length);
  const source = `(${hashWorkerMain.toString()})()`;
  const workers = Array.from({ length: poolSize }, () => new Worker(source, { eval: true }));
  let nextBatch = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const fail = (error: Error) => {
        if (!failed) reject(error);
        failed = true;
      };
      const feed = (worker: Worker) => {
        const batch = batches[nextBatch];
        if (failed || batch === undefined) {
          if (running === 0 && !failed) resolve();
          return;
        }
        nextBatch += 1;
        running += 1;
        worker.postMessage({ id: nextBatch - 1, tasks: batch.map((i) => stripForWorker(tasks[i] as SizedHashTask)) } satisfies HashBatch);
      };
      for (const worker of workers) {
        worker.on('message', (message: { id: number; results: HashTaskResult[] }) => {
          running -= 1;
          const batch = batches[message.id] ?? [];
          message.results.forEach((result, k) => {
            const index = batch[k] as number;
            if ('error' in result) fail(new UserError('RAMPART_E_INPUT_INVALID', `${(tasks[index] as SizedHashTask).label}: ${result.error}.`));
            else results[index] = result;
          });
          feed(worker);
        });
        worker.on('error', (error) => fail(new SystemError('RAMPART_E_INTERNAL', `hash worker failed: ${error.message}`, { cause: error })));
        // A worker that dies without an 'error' event (killed, out of memory) must not leave us waiting.
        worker.on('exit', (code) => {
          if (nextBatch < batches.length || running > 0) fail(new SystemError('RAMPART_E_INTERNAL', `hash worker exited early (code ${code})`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results.map((result, i) => {
    if (result === undefined) throw new SystemError('RAMPART_E_INTERNAL', `hash worker returned no result for ${(tasks[i] as SizedHashTask).label}`);
    return result;
  });
}

function stripForWorker(task: SizedHashTask): HashTask {
  return { path: task.path, start: task.start, end: task.end, dev: task.dev, ino: task.ino, fileSize: task.fileSize };
}

/** Groups task indices into batches, largest tasks first. */
function planBatches(tasks: readonly SizedHashTask[]): number[][] {
  const order = tasks.map((_, i) => i).sort((a, b) => (tasks[b] as SizedHashTask).size - (tasks[a] as SizedHashTask).size);
  const batches: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  for (const index of order) {
    const size = (tasks[index] as SizedHashTask).size;
    if (size >= BATCH_BYTES) {
      batches.push([index]);
      continue;
    }
    if (current.length >= BATCH_TASKS || currentBytes + size > BATCH_BYTES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
