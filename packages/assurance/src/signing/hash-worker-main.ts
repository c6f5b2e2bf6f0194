import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs';
import type * as WorkerThreads from 'node:worker_threads';

/** One byte range to hash. `end` is exclusive; -1 means "to the end of the file". */
export interface HashTask {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  /** Identity recorded by the walk: the reader refuses a file that was swapped since. */
  readonly dev: string;
  readonly ino: string;
  /** The file's size when it was walked: shard boundaries were computed from it. */
  readonly fileSize: number;
}

/** What a worker answers for one task. */
export type HashTaskResult = { readonly digest: string; readonly bytes: number } | { readonly error: string };

/** A message to a worker: a batch of tasks, answered with results in the same order. */
export interface HashBatch {
  readonly id: number;
  readonly tasks: readonly HashTask[];
}

/**
 * The body of a hashing worker thread. It is started from its own source text
 * (`new Worker(\`(${hashWorkerMain})()\`, { eval: true })`), which works the same from the
 * TypeScript sources under vitest and from the compiled package, so it must not use anything from
 * this module's scope: it requires what it needs itself.
 *
 * Each task is read with blocking `readSync` calls into one reused buffer: in a worker that blocks
 * nobody, and it avoids a thread-pool round trip per chunk, which is what lets the pool keep pace
 * with `sha256sum`. The file is opened with O_NOFOLLOW and O_NONBLOCK and checked with fstat to be
 * the same regular file the walk saw, so a file swapped for a symlink or a FIFO after the walk is
 * refused rather than followed or blocked on.
 */
export function hashWorkerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- eval'd CommonJS worker, see above */
  const { parentPort } = require('node:worker_threads') as typeof WorkerThreads;
  const fs = require('node:fs') as typeof Fs;
  const { createHash } = require('node:crypto') as typeof Crypto;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const chunk = Buffer.allocUnsafe(1 << 20);
  const flags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

  const hashTask = (task: HashTask): HashTaskResult => {
    let fd: number;
    try {
      fd = fs.openSync(task.path, flags);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { error: code === 'ELOOP' ? 'was replaced by a symbolic link while hashing' : `could not be opened (${code ?? String(error)})` };
    }
    try {
      const stats = fs.fstatSync(fd, { bigint: true });
      if (!stats.isFile() || String(stats.dev) !== task.dev || String(stats.ino) !== task.ino) {
        return { error: 'was replaced while hashing' };
      }
      if (Number(stats.size) !== task.fileSize) return { error: 'changed size while hashing' };
      const hash = createHash('sha256');
      let position = task.start;
      let bytes = 0;
      for (;;) {
        const want = task.end < 0 ? chunk.length : Math.min(chunk.length, task.end - position);
        if (want <= 0) break;
        const read = fs.readSync(fd, chunk, 0, want, position);
        if (read === 0) break;
        hash.update(chunk.subarray(0, read));
        position += read;
        bytes += read;
      }
      if (task.end >= 0 && position < task.end) return { error: 'shrank while hashing' };
      return { digest: hash.digest('hex'), bytes };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { error: `could not be read (${code ?? String(error)})` };
    } finally {
      fs.closeSync(fd);
    }
  };

  if (parentPort === null) return;
  parentPort.on('message', (batch: HashBatch) => {
    parentPort.postMessage({ id: batch.id, results: batch.tasks.map(hashTask) });
  });
}
