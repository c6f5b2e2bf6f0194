import { createHash } from 'node:crypto';
import { UserError } from '../errors/rampart-error.js';

/**
 * The classifier's file format: one self-contained binary file, so a model is one artifact to
 * hash, sign and pin. Layout: the 8-byte magic `RAMPARTM`, a uint32 (little-endian) header
 * length, a UTF-8 JSON header, then the blobs back to back. The header names each blob's
 * type and length and holds the SHA-256 of the blob bytes: a truncated or altered file is
 * refused at load, never half-used. No timestamps: the same training run writes the same bytes.
 */
const MAGIC = Buffer.from('RAMPARTM', 'latin1');

export type Blob = Float32Array | Int8Array | Uint8Array;
type BlobType = 'f32' | 'i8' | 'u8';
interface BlobEntry {
  readonly name: string;
  readonly type: BlobType;
  readonly length: number;
}

export interface ModelFileContents<H> {
  readonly header: H;
  readonly blobs: ReadonlyMap<string, Blob>;
}

function typeOf(blob: Blob): BlobType {
  if (blob instanceof Float32Array) return 'f32';
  return blob instanceof Int8Array ? 'i8' : 'u8';
}

export function encodeModelFile<H extends object>(header: H, blobs: ReadonlyMap<string, Blob>): Buffer {
  const entries: BlobEntry[] = [];
  const parts: Buffer[] = [];
  for (const [name, blob] of blobs) {
    entries.push({ name, type: typeOf(blob), length: blob.length });
    parts.push(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  }
  const payload = Buffer.concat(parts);
  const sha256 = createHash('sha256').update(payload).digest('hex');
  const json = Buffer.from(JSON.stringify({ ...header, blobs: entries, sha256 }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([MAGIC, length, json, payload]);
}

/** Throws `RAMPART_E_MODEL_INVALID` naming what is wrong with the file. */
export function decodeModelFile<H>(bytes: Buffer, source: string): ModelFileContents<H> {
  const fail = (why: string): never => {
    throw new UserError('RAMPART_E_MODEL_INVALID', `Classifier model ${source} is unusable: ${why}`);
  };
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) fail('not a Rampart model file (bad magic)');
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) fail('truncated header');
  let header: H & { blobs: BlobEntry[]; sha256: string };
  try {
    header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as typeof header;
  } catch {
    return fail('header is not valid JSON');
  }
  if (!Array.isArray(header.blobs) || typeof header.sha256 !== 'string') fail('header lacks blobs or sha256');
  const payload = bytes.subarray(12 + headerLength);
  if (createHash('sha256').update(payload).digest('hex') !== header.sha256) fail('checksum mismatch (the file is corrupt or was modified)');
  const blobs = new Map<string, Blob>();
  let offset = 0;
  for (const entry of header.blobs) {
    const width = entry.type === 'f32' ? 4 : 1;
    const size = entry.length * width;
    if (offset + size > payload.length) fail(`blob ${entry.name} runs past the end of the file`);
    // Copied so every typed array is aligned and owns its memory.
    const copy = new Uint8Array(payload.subarray(offset, offset + size));
    blobs.set(entry.name, entry.type === 'f32' ? new Float32Array(copy.buffer) : entry.type === 'i8' ? new Int8Array(copy.buffer) : copy);
    offset += size;
  }
  if (offset !== payload.length) fail('trailing bytes after the last blob');
  return { header, blobs };
}

/** Symmetric int8 quantization: one scale for the whole array. */
export function quantize(values: Float32Array): { data: Int8Array; scale: number } {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const scale = max === 0 ? 1 : max / 127;
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i += 1) data[i] = Math.round((values[i] as number) / scale);
  return { data, scale };
}
