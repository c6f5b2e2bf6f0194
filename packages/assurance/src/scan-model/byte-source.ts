import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ModelParseError } from './model-parse-error.js';

/**
 * Random access to the bytes of a file, an archive entry or a slice of either. Readers ask for
 * the bytes they need, so a multi-gigabyte model is never loaded whole: a safetensors scan reads
 * its header, a pickle scan skips tensor payloads without reading them.
 */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset`; throws ModelParseError past the end. */
  read(offset: number, length: number): Buffer;
}

/** A source over bytes already in memory. */
export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read(offset, length) {
      checkRange(offset, length, buffer.length);
      return buffer.subarray(offset, offset + length);
    },
  };
}

/** A window of another source: offsets are relative to `start`. */
export function sliceSource(parent: ByteSource, range: { start: number; length: number }): ByteSource {
  checkRange(range.start, range.length, parent.size);
  return {
    size: range.length,
    read(offset, length) {
      checkRange(offset, length, range.length);
      return parent.read(range.start + offset, length);
    },
  };
}

const WINDOW = 1 << 20;

/** A file source with a small read-ahead window; `close()` releases the descriptor. */
export interface FileSource extends ByteSource {
  close(): void;
}

/**
 * Opens `path` for random reads. Small reads (opcodes, header fields) come from a 1 MiB window so
 * a pickle scan does not issue one system call per byte.
 *
 * @example
 * const source = openFileSource('model.safetensors');
 * try { const header = source.read(0, 8); } finally { source.close(); }
 */
export function openFileSource(path: string): FileSource {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  let windowStart = 0;
  let window: Buffer = Buffer.alloc(0);
  const readAt = (offset: number, length: number): Buffer => {
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) throw new ModelParseError('file shrank while it was being read', offset + done);
      done += n;
    }
    return out;
  };
  return {
    size,
    read(offset, length) {
      checkRange(offset, length, size);
      if (offset >= windowStart && offset + length <= windowStart + window.length) {
        return window.subarray(offset - windowStart, offset - windowStart + length);
      }
      if (length >= WINDOW) return readAt(offset, length);
      windowStart = offset;
      window = readAt(offset, Math.min(WINDOW, size - offset));
      return window.subarray(0, length);
    },
    close() {
      closeSync(fd);
    },
  };
}

function checkRange(offset: number, length: number, size: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new ModelParseError(`invalid read of ${length} bytes`, Math.max(0, Number.isFinite(offset) ? offset : 0));
  }
  if (offset + length > size) {
    throw new ModelParseError(`unexpected end of data: needed ${length} bytes at offset ${offset}, only ${Math.max(0, size - offset)} left`, offset);
  }
}
