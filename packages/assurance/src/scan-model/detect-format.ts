import { GGUF_MAGIC } from './scan-gguf.js';
import { HDF5_SIGNATURE } from './scan-keras-h5.js';
import { NPY_MAGIC } from './scan-npy.js';
import { HIGHEST_PROTOCOL, OP } from './pickle-opcodes.js';

/** Which reader a file goes to. */
export type DetectedKind = 'git-lfs-pointer' | 'zip' | 'pickle' | 'compressed-pickle' | 'numpy' | 'gguf' | 'hdf5' | 'safetensors' | 'onnx';

export const LFS_POINTER_PREFIX = 'version https://git-lfs.github.com/spec/v1';

/** Extensions whose files are pickles even without a protocol 2+ header (protocols 0 and 1 have none). */
const PICKLE_EXTENSIONS = new Set(['.pkl', '.pickle', '.joblib', '.dill', '.sav', '.pck', '.pt', '.pth', '.ckpt']);
const BY_EXTENSION: Readonly<Record<string, DetectedKind>> = {
  '.safetensors': 'safetensors',
  '.onnx': 'onnx',
  '.npy': 'numpy',
  '.npz': 'zip',
  '.keras': 'zip',
  '.gguf': 'gguf',
  '.h5': 'hdf5',
  '.hdf5': 'hdf5',
};

/**
 * Picks the reader by magic bytes first and the extension second: a `.bin` may be a pickle, a
 * zip, safetensors or GGUF, and a renamed file is read as what it is. Returns null for files
 * that are not model formats (README, tokenizer JSON, raw tensor data).
 *
 * @example
 * detectFormat({ head: Buffer.from([0x80, 0x04]), size: 100, ext: '.bin' }) // 'pickle'
 */
export function detectFormat(file: { head: Buffer; size: number; ext: string }): DetectedKind | null {
  const { head, size, ext } = file;
  if (head.subarray(0, LFS_POINTER_PREFIX.length).toString('latin1') === LFS_POINTER_PREFIX) return 'git-lfs-pointer';
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5 || head[2] === 7)) return 'zip';
  if (head.subarray(0, NPY_MAGIC.length).equals(NPY_MAGIC)) return 'numpy';
  if (head.subarray(0, 4).equals(GGUF_MAGIC)) return 'gguf';
  if (head.subarray(0, 8).equals(HDF5_SIGNATURE)) return 'hdf5';
  if (head[0] === OP.PROTO && head.length > 1 && (head[1] as number) <= HIGHEST_PROTOCOL) return 'pickle';
  if (PICKLE_EXTENSIONS.has(ext) && isCompressed(head)) return 'compressed-pickle';
  if (size >= 10 && head.length >= 9 && head[8] === 0x7b && head.readBigUInt64LE(0) <= BigInt(size - 8)) return 'safetensors';
  if (ext in BY_EXTENSION) return BY_EXTENSION[ext] as DetectedKind;
  if (PICKLE_EXTENSIONS.has(ext)) return 'pickle';
  return null;
}

/** gzip, zlib, bz2, xz, lz4 frame and raw lzma headers (joblib's compressors). */
export function compressionOf(head: Buffer): 'gzip' | 'zlib' | 'bz2' | 'xz' | 'lz4' | 'lzma' | null {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x78 && (head[1] === 0x01 || head[1] === 0x5e || head[1] === 0x9c || head[1] === 0xda)) return 'zlib';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bz2';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.subarray(0, 4).equals(Buffer.from([0x04, 0x22, 0x4d, 0x18]))) return 'lz4';
  if (head[0] === 0x5d && head[1] === 0x00 && head[2] === 0x00) return 'lzma';
  return null;
}

function isCompressed(head: Buffer): boolean {
  return compressionOf(head) !== null;
}
